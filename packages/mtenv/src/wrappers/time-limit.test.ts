import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, ResetNeededError } from "../core/errors.js";
import { TimeLimit } from "./time-limit.js";
import { ToyGoalEnv, assertObservationInSpace, rollout } from "../testing/wrapper-fixture-envs.js";

for (const limit of [1, 10, 100]) {
  test(`TimeLimit(${limit}) truncates exactly at step ${limit} and marks info.timeLimitReached`, () => {
    const env = new TimeLimit(new ToyGoalEnv(), limit);
    env.seedTask(0);
    env.resetTaskState();
    env.reset({ seed: 0 });
    for (let t = 1; t <= limit; t++) {
      const [observation, , terminated, truncated, info] = env.step(env.actionSpace.sample());
      assertObservationInSpace(env, observation);
      assert.equal(env.stepsInEpisode, t);
      assert.equal(terminated, false);
      assert.equal(truncated, t === limit, `step ${t}`);
      assert.equal(info.timeLimitReached, t === limit ? true : undefined);
    }
  });
}

test("TimeLimit refuses to step past the limit until reset, then counts from zero again", () => {
  const env = new TimeLimit(new ToyGoalEnv(), 3);
  env.reset({ seed: 0 });
  for (let t = 0; t < 3; t++) env.step(Float32Array.of(0));
  assert.throws(() => env.step(Float32Array.of(0)), (error: unknown) => error instanceof ResetNeededError && /truncated at 3 steps/.test(error.message));
  env.reset();
  assert.equal(env.stepsInEpisode, 0);
  assert.equal(env.step(Float32Array.of(0))[3], false);
});

test("TimeLimit reports an episode that terminates on its last allowed step as terminated and truncated", () => {
  const env = new TimeLimit(new ToyGoalEnv({ terminateAfter: 4 }), 4);
  env.reset({ seed: 0 });
  for (let t = 0; t < 3; t++) env.step(Float32Array.of(0));
  const [, , terminated, truncated] = env.step(Float32Array.of(0));
  assert.equal(terminated, true);
  assert.equal(truncated, true);
});

test("TimeLimit leaves an earlier termination alone and restarts its count at reset", () => {
  const env = new TimeLimit(new ToyGoalEnv({ terminateAfter: 2 }), 5);
  env.reset({ seed: 0 });
  env.step(Float32Array.of(0));
  const [, , terminated, truncated] = env.step(Float32Array.of(0));
  assert.deepEqual([terminated, truncated], [true, false]);
  env.reset();
  assert.equal(env.stepsInEpisode, 0);
});

for (const bad of [-1, 0, 2.5]) {
  test(`TimeLimit rejects maxEpisodeSteps=${bad} with a ConfigError`, () => {
    assert.throws(() => new TimeLimit(new ToyGoalEnv(), bad), (error: unknown) => error instanceof ConfigError && new RegExp(`got ${bad}`).test(error.message));
  });
}

test("TimeLimit: same seeds give identical rollouts; close() is forwarded", () => {
  const a = rollout(new TimeLimit(new ToyGoalEnv(), 4), { env: 1, task: 1 });
  assert.deepEqual(a, rollout(new TimeLimit(new ToyGoalEnv(), 4), { env: 1, task: 1 }));
  assert.equal(a.filter((step) => step.truncated).length, 3, "each of the 3 episodes ends by truncation");
  const inner = new ToyGoalEnv();
  new TimeLimit(inner, 2).close();
  assert.equal(inner.closeCalls, 1);
});
