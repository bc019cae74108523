import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/mtenv";
import { JsKernels, loadKernels } from "@mtrl/nn";
import type { MTSACConfig } from "../config/schema.js";
import { ReplayBuffer } from "../replay/replay-buffer.js";
import { MTSACAgent } from "./mtsac-agent.js";

const config: MTSACConfig = {
  type: "mtsac",
  discount: 0.9,
  batchSize: 32,
  actor: { trunk: { type: "mlp", hiddenSizes: [32, 32] }, head: "single", logStdBounds: [-20, 2], lr: 1e-3, betas: [0.9, 0.999], updateEvery: 1 },
  critic: { trunk: { type: "mlp", hiddenSizes: [32, 32] }, head: "single", lr: 1e-3, betas: [0.9, 0.999], tau: 0.05, encoderTau: 0.05, targetUpdateEvery: 1 },
  alpha: { type: "per-task", initTemperature: 0.1, lr: 1e-3, betas: [0.9, 0.999], targetEntropy: { type: "auto" } },
  taskEncoder: { type: "one-hot" },
  encoder: { type: "identity" },
  gradient: { type: "plain" },
  distillation: { type: "none" },
  replay: { capacity: 1000, sampling: "uniform" },
};
const dimensions = { observationSize: 3, actionSize: 2, numTasks: 2 };

/** Rewards favour action +1 on task 0 and −1 on task 1, in every state. */
function filledBuffer(): ReplayBuffer {
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

function train(agent: MTSACAgent, buffer: ReplayBuffer, updates: number, seed = 1): Record<string, number> {
  const batch = buffer.createBatch(config.batchSize);
  const rng = Rng.fromSeed(seed, "replay");
  let metrics: Record<string, number> = {};
  for (let u = 0; u < updates; u++) metrics = agent.update(buffer.sample(batch, rng), u);
  return metrics;
}

test("MT-SAC learns a different best action per task (one-step bandit)", () => {
  const agent = new MTSACAgent(config, dimensions, new JsKernels(), 7);
  const metrics = train(agent, filledBuffer(), 400);
  for (const key of ["train/critic_loss", "train/actor_loss", "train/alpha_loss", "train/alpha", "train/entropy"]) {
    assert.ok(Number.isFinite(metrics[key]), `${key} = ${metrics[key]}`);
  }
  const out = new Float32Array(4);
  agent.act(Float32Array.of(0.1, 0.2, 0.3, 0.1, 0.2, 0.3), Int32Array.of(0, 1), true, out);
  assert.ok(out[0]! > 0.5 && out[1]! > 0.5, `task 0 should push +1, got ${Array.from(out.subarray(0, 2))}`);
  assert.ok(out[2]! < -0.5 && out[3]! < -0.5, `task 1 should push −1, got ${Array.from(out.subarray(2, 4))}`);
});

test("per-task temperatures move independently; a shared one is a single value", () => {
  const agent = new MTSACAgent(config, dimensions, new JsKernels(), 7);
  const buffer = new ReplayBuffer({ capacity: 100, ...dimensions });
  for (let i = 0; i < 20; i++) buffer.add(0, [0, 0, 0], 0, [0, 0], 0, 0, [0, 0, 0], 0, false);
  train(agent, buffer, 20);
  const [task0, task1] = agent.temperatures();
  const initial = Math.exp(Math.fround(Math.log(0.1)));
  assert.notEqual(task0, initial);
  assert.equal(task1, initial, "task 1 had no data, so its temperature must not move");
  const shared = new MTSACAgent({ ...config, alpha: { ...config.alpha, type: "shared" } }, dimensions, new JsKernels(), 7);
  assert.equal(shared.logAlpha.size, 1);
});

test("same seed ⇒ bit-identical weights; state round trip continues identically", async () => {
  const kernels = await loadKernels();
  const buffer = filledBuffer();
  const a = new MTSACAgent(config, dimensions, kernels, 3);
  const b = new MTSACAgent(config, dimensions, kernels, 3);
  train(a, buffer, 30);
  train(b, buffer, 30);
  assert.deepEqual(a.getState().tensors, b.getState().tensors);
  const resumed = new MTSACAgent(config, dimensions, kernels, 99);
  resumed.setState(a.getState());
  train(a, buffer, 10, 5);
  train(resumed, buffer, 10, 5);
  assert.deepEqual(resumed.getState().tensors, a.getState().tensors);
  assert.deepEqual(resumed.getState().json, a.getState().json);
});

test("loading a state of other network sizes names the tensor", () => {
  const small = new MTSACAgent(config, dimensions, new JsKernels(), 1);
  const big = new MTSACAgent({ ...config, actor: { ...config.actor, trunk: { type: "mlp", hiddenSizes: [64, 32] } } }, dimensions, new JsKernels(), 1);
  assert.throws(() => small.setState(big.getState()), /actor\.trunk\.layers\.0\.weight" has 320 values, expected 160/);
});
