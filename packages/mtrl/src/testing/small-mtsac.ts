import { Rng } from "@mtrl/core";
import type { MTSACAgent } from "../agents/mtsac-agent.js";
import type { MTSACConfig } from "../config/schema.js";
import { ReplayBuffer } from "../replay/replay-buffer.js";

/** A small MT-SAC (2 tasks, 32-wide networks) and a one-step bandit it learns, for agent tests. */
export const config: MTSACConfig = {
  type: "mtsac",
  discount: 0.9,
  batchSize: 32,
  initScheme: "uniform",
  actor: { trunk: { type: "mlp", hiddenSizes: [32, 32] }, head: "single", logStdBounds: [-20, 2], lr: 1e-3, betas: [0.9, 0.999], updateEvery: 1, encoderHead: "shared" },
  critic: { trunk: { type: "mlp", hiddenSizes: [32, 32] }, head: "single", lr: 1e-3, betas: [0.9, 0.999], tau: 0.05, encoderTau: 0.05, targetUpdateEvery: 1 },
  alpha: { type: "per-task", initTemperature: 0.1, lr: 1e-3, betas: [0.9, 0.999], targetEntropy: { type: "auto" } },
  taskEncoder: { type: "one-hot" },
  encoder: { type: "identity" },
  gradient: { type: "plain" },
  distillation: { type: "none" },
  auxiliary: { type: "none" },
  replay: { capacity: 1000, sampling: "uniform", observations: "auto" },
};
export const dimensions = { observationSize: 3, actionSize: 2, numTasks: 2 };

/** Rewards favour action +1 on task 0 and −1 on task 1, in every state. */
export function filledBuffer(): ReplayBuffer {
  const buffer = new ReplayBuffer({ capacity: 1000, ...dimensions });
  const rng = Rng.fromSeed(4);
  for (let i = 0; i < 400; i++) {
    const task = i % 2;
    const observation = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
    const action = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    const sign = task === 0 ? 1 : -1;
    buffer.add(task, observation, 0, action, 0, sign * (action[0]! + action[1]!), observation, 0, true);
  }
  return buffer;
}

export function train(agent: MTSACAgent, buffer: ReplayBuffer, updates: number, seed = 1): Record<string, number> {
  const batch = buffer.createBatch(config.batchSize);
  const rng = Rng.fromSeed(seed, "replay");
  let metrics: Record<string, number> = {};
  for (let u = 0; u < updates; u++) metrics = agent.update(buffer.sample(batch, rng), u);
  return metrics;
}

