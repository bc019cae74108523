/** Pieces shared by the agent benchmarks (sac-update.ts, components.ts). */
import { Rng } from "@mtrl/core";
import { createKernels, type BackendName, type Kernels } from "@mtrl/nn";
import type { ReplayBatch } from "../src/replay/replay-buffer.js";

/** MT10's shapes, as the PyTorch peer has them. */
export const mt10Dimensions = { observationSize: 39, actionSize: 4, numTasks: 10 } as const;

/** A random replay batch drawn like the peer's: N(0, 1) states, uniform actions, N(0, 1) rewards. */
export function randomBatch(size: number, seed: number): ReplayBatch {
  const rng = Rng.fromSeed(seed, "batch");
  const { observationSize, actionSize, numTasks } = mt10Dimensions;
  const taskIndices = new Int32Array(size);
  for (let i = 0; i < size; i++) taskIndices[i] = rng.integers(0, numTasks);
  const observations = new Float32Array(size * observationSize);
  const nextObservations = new Float32Array(size * observationSize);
  const actions = new Float32Array(size * actionSize);
  const rewards = new Float32Array(size);
  rng.fillNormal(observations);
  rng.fillNormal(nextObservations);
  rng.fillUniform(actions, -1, 1);
  rng.fillNormal(rewards);
  return { size, observations, actions, rewards, nextObservations, notDones: new Float32Array(size).fill(1), taskIndices };
}

export function percentile(sorted: readonly number[], fraction: number): number {
  // numpy's default linear interpolation, as the peer uses.
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export const round3 = (value: number): number => Math.round(value * 1000) / 1000;

export function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** The backend itself, or why it cannot be had (no fallback: a bench must say what it measured). */
export async function loadBackend(name: BackendName): Promise<Kernels | string> {
  const notes: string[] = [];
  try {
    const kernels = await createKernels({ backend: name, log: (line) => notes.push(line), env: {} });
    return kernels.name === name ? kernels : `fell back to ${kernels.name}: ${notes.join(" ")}`;
  } catch (error) {
    return (error as Error).message;
  }
}

