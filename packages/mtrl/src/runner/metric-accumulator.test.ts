import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricAccumulator } from "./metric-accumulator.js";

test("flush gives the mean of each key over the updates that reported it, keys sorted", () => {
  const accumulator = new MetricAccumulator();
  accumulator.add({ "losses/qf_loss": 1, "losses/actor_loss": 4 });
  accumulator.add({ "losses/qf_loss": 3 });
  accumulator.add({ "losses/qf_loss": 5, "losses/actor_loss": 8 });
  const flushed = accumulator.flush();
  assert.deepEqual(flushed, { "losses/actor_loss": 6, "losses/qf_loss": 3 });
  assert.deepEqual(Object.keys(flushed), ["losses/actor_loss", "losses/qf_loss"]);
});

test("flush reports the mean per-step reward over every task and step since the last flush", () => {
  const accumulator = new MetricAccumulator();
  accumulator.addStepRewards(Float64Array.of(1, 2));
  accumulator.addStepRewards(Float64Array.of(3, 6));
  assert.deepEqual(accumulator.flush(), { "train/reward_mean": 3 });
});

test("flush leaves out train/reward_mean when no step rewards came in", () => {
  const accumulator = new MetricAccumulator();
  accumulator.add({ "losses/qf_loss": 2 });
  assert.equal("train/reward_mean" in accumulator.flush(), false);
});

test("flush clears the sums, so the next flush only sees what came after", () => {
  const accumulator = new MetricAccumulator();
  accumulator.add({ "losses/qf_loss": 10 });
  accumulator.addStepRewards(Float64Array.of(10));
  accumulator.flush();
  assert.deepEqual(accumulator.flush(), {});
  accumulator.add({ "losses/qf_loss": 2 });
  accumulator.addStepRewards(Float64Array.of(4));
  assert.deepEqual(accumulator.flush(), { "losses/qf_loss": 2, "train/reward_mean": 4 });
});

test("an accumulator restored from getState flushes the same as the original after the same inputs", () => {
  const original = new MetricAccumulator();
  original.add({ "losses/qf_loss": 0.1, "losses/alpha": 0.7 });
  original.addStepRewards(Float64Array.of(0.3, -1.2));
  original.add({ "losses/qf_loss": 0.4 });

  const restored = new MetricAccumulator();
  // Through JSON, as a checkpoint stores it.
  restored.setState(JSON.parse(JSON.stringify(original.getState())));

  for (const accumulator of [original, restored]) {
    accumulator.add({ "losses/qf_loss": 0.25, "losses/alpha": 0.5 });
    accumulator.addStepRewards(Float64Array.of(2.5, 0.125));
  }
  const expected = original.flush();
  assert.deepEqual(restored.flush(), expected);
  assert.deepEqual(Object.keys(expected), ["losses/alpha", "losses/qf_loss", "train/reward_mean"]);
});

test("getState is a copy: adding after it does not change the saved state", () => {
  const accumulator = new MetricAccumulator();
  accumulator.add({ "losses/qf_loss": 1 });
  const saved = accumulator.getState();
  accumulator.add({ "losses/qf_loss": 5, "losses/alpha": 1 });
  assert.deepEqual(saved, { sums: { "losses/qf_loss": 1 }, counts: { "losses/qf_loss": 1 }, rewardSum: 0, rewardCount: 0 });
});
