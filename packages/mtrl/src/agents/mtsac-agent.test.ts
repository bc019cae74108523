import { test } from "node:test";
import assert from "node:assert/strict";
import { JsKernels, loadKernels } from "@mtrl/nn";
import { ReplayBuffer } from "../replay/replay-buffer.js";
import { config, dimensions, filledBuffer, train } from "../testing/small-mtsac.js";
import { MTSACAgent } from "./mtsac-agent.js";

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
