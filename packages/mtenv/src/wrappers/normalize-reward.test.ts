import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../core/errors.js";
import { NormalizeReward } from "./normalize-reward.js";
import { ToyGoalEnv, rollout } from "../testing/wrapper-fixture-envs.js";

/** Actions that depend only on the step index, so twin envs can be driven identically. */
const actionAt = (t: number): Float32Array => Float32Array.of(Math.sin(t));

test("NormalizeReward divides each reward by sqrt(EMA variance) + 1e-8, updated first, mean not subtracted", () => {
  const alpha = 0.05;
  const env = new NormalizeReward(new ToyGoalEnv(), { alpha });
  const twin = new ToyGoalEnv();
  env.reset({ seed: 3 });
  twin.reset({ seed: 3 });
  let mean = 0;
  let variance = 1;
  for (let t = 0; t < 50; t++) {
    const raw = twin.step(actionAt(t))[1];
    mean = (1 - alpha) * mean + alpha * raw;
    variance = (1 - alpha) * variance + alpha * (raw - mean) ** 2;
    const normalized = env.step(actionAt(t))[1];
    assert.equal(normalized, raw / (Math.sqrt(variance) + 1e-8), `step ${t}`);
    assert.ok(Math.sign(normalized) === Math.sign(raw) || raw === 0);
  }
  assert.deepEqual(env.getState(), { mean, variance });
});

test("NormalizeReward defaults to alpha = 0.001 and starts from mean 0, variance 1", () => {
  const env = new NormalizeReward(new ToyGoalEnv());
  assert.equal(env.alpha, 0.001);
  assert.deepEqual(env.getState(), { mean: 0, variance: 1 });
});

test("NormalizeReward makes the reward scale irrelevant once the statistics have adapted", () => {
  const normalizedRewards = (rewardScale: number): number[] => {
    const env = new NormalizeReward(new ToyGoalEnv({ rewardScale }), { alpha: 0.1 });
    env.reset({ seed: 1 });
    return Array.from({ length: 300 }, (_, t) => env.step(actionAt(t))[1]);
  };
  const unit = normalizedRewards(1);
  const hundredfold = normalizedRewards(100);
  for (let t = 250; t < 300; t++) {
    assert.ok(Math.abs(hundredfold[t]! / unit[t]! - 1) < 1e-6, `step ${t}: ${hundredfold[t]} vs ${unit[t]}`);
  }
});

test("NormalizeReward state restored from a checkpoint continues exactly", () => {
  const original = new NormalizeReward(new ToyGoalEnv(), { alpha: 0.02 });
  original.reset({ seed: 9 });
  for (let t = 0; t < 40; t++) original.step(actionAt(t));
  const checkpoint = JSON.parse(JSON.stringify(original.getState()));
  const expected = Array.from({ length: 10 }, (_, i) => original.step(actionAt(40 + i))[1]);

  const resumed = new NormalizeReward(new ToyGoalEnv(), { alpha: 0.02 });
  resumed.reset({ seed: 9 });
  for (let t = 0; t < 40; t++) resumed.env.step(actionAt(t)); // same env state, statistics untouched
  resumed.setState(checkpoint);
  assert.deepEqual(Array.from({ length: 10 }, (_, i) => resumed.step(actionAt(40 + i))[1]), expected);
});

for (const alpha of [0, -0.1, 1.5, Number.NaN]) {
  test(`NormalizeReward rejects alpha=${alpha} with a ConfigError`, () => {
    assert.throws(() => new NormalizeReward(new ToyGoalEnv(), { alpha }), (error: unknown) => error instanceof ConfigError && new RegExp(`got alpha=${alpha}`).test(error.message));
  });
}

test("NormalizeReward rejects a malformed state", () => {
  const env = new NormalizeReward(new ToyGoalEnv());
  for (const bad of [{ mean: 0, variance: -1 }, { mean: Number.NaN, variance: 1 }, { mean: 0 }, null]) {
    assert.throws(() => env.setState(bad as never), (error: unknown) => error instanceof ConfigError && /expected a state/.test(error.message));
  }
});

test("NormalizeReward: same seeds give identical rollouts; close() is forwarded", () => {
  const a = rollout(new NormalizeReward(new ToyGoalEnv()), { env: 2, task: 3 });
  assert.deepEqual(a, rollout(new NormalizeReward(new ToyGoalEnv()), { env: 2, task: 3 }));
  const inner = new ToyGoalEnv();
  new NormalizeReward(inner).close();
  assert.equal(inner.closeCalls, 1);
});
