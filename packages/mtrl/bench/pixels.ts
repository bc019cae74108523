/**
 * Benchmark of the pixel agents (npm run bench:pixels): prints JSON lines only.
 *
 * 1. Replay bytes per stored transition for 84×84 RGB observations, 3 frames stacked ([9, 84, 84]),
 *    in the flat float32 layout and the frame-stack layout (each frame once, as bytes), measured
 *    on allocated buffers and projected to 1M transitions.
 * 2. Milliseconds per `update` of each pixel recipe (agent=sac-pixels, agent=sac-ae; 84×84, 3
 *    stacked frames, batch 128 unless --batch) on each backend: median over --iters updates after
 *    --warmup, the config's cadences as they are (the actor and the targets every second update,
 *    so critic-only and full updates are also printed apart). The arena's step memory is printed
 *    too: the conv layers keep their unfolded inputs for the backward pass.
 *
 *   node --import tsx packages/mtrl/bench/pixels.ts [--recipes sac-pixels,sac-ae] [--backends js,wasm,native] [--batch 128] [--iters 6] [--warmup 2]
 *
 * There is no PyTorch peer yet (python3-torch is not installed on this machine class). The load
 * average is printed with every timing: on a shared machine it explains more than the code does.
 */
import { availableParallelism, loadavg } from "node:os";
import { Rng } from "@mtrl/core";
import type { BackendName } from "@mtrl/nn";
import { MTSACAgent } from "../src/agents/mtsac-agent.js";
import { composeConfig } from "../src/config/compose.js";
import { ReplayBuffer, type ReplayBatch } from "../src/replay/replay-buffer.js";
import { loadBackend, percentile, print, round3 } from "./bench-helpers.js";

const observationShape = [9, 84, 84] as const;
const observationSize = 9 * 84 * 84;
const frameSize = 3 * 84 * 84;

function option(argv: readonly string[], flag: string, fallback: string): string {
  const at = argv.indexOf(flag);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
}

function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`pixels bench: ${flag} needs a positive integer, got "${value}" (e.g. ${flag} 4).`);
  return parsed;
}

function replayBytes(): void {
  const options = { capacity: 2000, numTasks: 1, observationSize, actionSize: 1 };
  const flat = new ReplayBuffer(options).bytesPerTransition;
  const frames = new ReplayBuffer({ ...options, observationLayout: { type: "frame-stack", frames: 3, frameSize } }).bytesPerTransition;
  const gigabytes = (bytes: number): number => round3((bytes * 1e6) / 1e9);
  print({
    bench: "replay-bytes", observation: "[9, 84, 84] (3 stacked RGB frames)", actionSize: 1,
    flatFloat32BytesPerTransition: flat, frameStackBytesPerTransition: round3(frames), ratio: round3(frames / flat),
    gigabytesPer1MTransitions: { flatFloat32: gigabytes(flat), frameStack: gigabytes(frames) },
  });
}

function pixelBatch(size: number): ReplayBatch {
  const rng = Rng.fromSeed(1, "pixel-batch");
  const bytes = (count: number): Float32Array => {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = rng.integers(0, 256);
    return values;
  };
  return {
    size, observations: bytes(size * observationSize), nextObservations: bytes(size * observationSize),
    actions: rng.fillUniform(new Float32Array(size), -1, 1), rewards: rng.fillUniform(new Float32Array(size), 0, 1),
    notDones: new Float32Array(size).fill(1), taskIndices: new Int32Array(size),
  };
}

async function updateTimes(recipe: string, backend: BackendName, batchSize: number, iterations: number, warmup: number): Promise<void> {
  const kernels = await loadBackend(backend);
  if (typeof kernels === "string") {
    print({ bench: "pixel-update", recipe, backend, skipped: kernels });
    return;
  }
  const { config } = composeConfig([`agent=${recipe}`, `agent.batchSize=${batchSize}`]);
  const agent = new MTSACAgent(config.agent, { observationSize, actionSize: 1, numTasks: 1, observationShape }, kernels, 1);
  const batch = pixelBatch(batchSize);
  for (let i = 0; i < warmup; i++) agent.update(batch, i);
  const criticOnly: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const index = warmup + i;
    const started = performance.now();
    agent.update(batch, index);
    const elapsed = performance.now() - started;
    (index % config.agent.actor.updateEvery === 0 ? full : criticOnly).push(elapsed);
  }
  const median = (values: number[]): number | null => (values.length === 0 ? null : round3(percentile([...values].sort((a, b) => a - b), 0.5)));
  print({
    bench: "pixel-update", recipe, backend: kernels.name, batch: batchSize, observation: "[9, 84, 84]", encoder: "4 × 32 conv, 50 features", hidden: "2 × 1024",
    medianMsPerUpdate: median([...criticOnly, ...full]), medianMsCriticOnlyUpdate: median(criticOnly), medianMsFullUpdate: median(full), updates: iterations,
    stepMemoryMB: Math.round((agent.engine.arena.stats().transientCapacity * 4) / 1e6),
    loadAverage1m: round3(loadavg()[0]!), cores: availableParallelism(),
  });
}

const argv = process.argv.slice(2);
const recipes = option(argv, "--recipes", "sac-pixels,sac-ae").split(",");
const backends = option(argv, "--backends", "js,wasm,native").split(",") as BackendName[];
const batchSize = positiveInteger("--batch", option(argv, "--batch", "128"));
const iterations = positiveInteger("--iters", option(argv, "--iters", "6"));
const warmup = positiveInteger("--warmup", option(argv, "--warmup", "2"));
replayBytes();
for (const recipe of recipes) for (const backend of backends) await updateTimes(recipe, backend, batchSize, iterations, warmup);
