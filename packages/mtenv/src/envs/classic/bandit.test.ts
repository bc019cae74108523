import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, InvalidTaskStateError } from "../../core/errors.js";
import { findTaskSet } from "../../core/task-set.js";
import { make } from "../../registry/registry.js";
import { TimeLimit } from "../../wrappers/time-limit.js";
import { MTBandit } from "./bandit.js";
import { FiniteMTBandit } from "./finite-bandit.js";
import "./register.js";

function payoutRates(env: MTBandit | FiniteMTBandit, pulls: number): number[] {
  env.reset({ seed: 12 });
  return Array.from({ length: env.nArms }, (_, arm) => {
    let total = 0;
    for (let i = 0; i < pulls; i++) total += env.step(arm)[1];
    return total / pulls;
  });
}

test("MTBandit: the task is the arm-probability vector, taskObs is that vector, rewards follow it", () => {
  const env = new MTBandit({ nArms: 3 });
  env.setTaskState(Float32Array.of(0, 1, 0.5));
  assert.deepEqual(env.getTaskObs(), Float32Array.of(0, 1, 0.5));
  const [low, high, half] = payoutRates(env, 4000);
  assert.deepEqual([low, high], [0, 1]);
  assert.ok(Math.abs(half! - 0.5) < 0.03, `arm 2 paid ${half}`);
});

test("MTBandit: envObs is a one-hot of the last arm and its reward, zeros after reset", () => {
  const env = new MTBandit({ nArms: 3 });
  env.setTaskState(Float32Array.of(0, 1, 0.5));
  const [first] = env.reset({ seed: 0 });
  assert.deepEqual(first.envObs, new Float32Array(4));
  assert.deepEqual(env.step(1)[0].envObs, Float32Array.of(0, 1, 0, 1));
  assert.deepEqual(env.step(0)[0].envObs, Float32Array.of(1, 0, 0, 0));
});

test("MTBandit: sampled tasks lie in [0, 1]^k and pay-out rates follow the sampled probabilities", () => {
  const env = new MTBandit({ nArms: 4 });
  env.seedTask(1);
  const first = env.sampleTaskState();
  for (let i = 0; i < 100; i++) assert.ok(env.observationSpace.spaces.taskObs.contains(Float32Array.from(env.sampleTaskState())));
  env.setTaskState(first);
  const rates = payoutRates(env, 2000);
  first.forEach((p, arm) => assert.ok(Math.abs(rates[arm]! - p) < 0.04, `arm ${arm}: p=${p}, paid ${rates[arm]}`));
  assert.throws(() => env.setTaskState(Float32Array.of(0.5, 0.5, 0.5, 1.5)), (e: unknown) => e instanceof InvalidTaskStateError && /element 3 is 1\.5/.test(e.message));
  assert.throws(() => env.setTaskState([0.5, 0.5, "0.5", 1] as never), (e: unknown) => e instanceof InvalidTaskStateError && /element 2 is "0\.5", not a number/.test(e.message));
});

test("MTBandit: the task state is a plain number[] of float32 values that survives JSON; a Float32Array still sets it", () => {
  const env = new MTBandit({ nArms: 3 });
  env.seedTask(2);
  const task = env.sampleTaskState();
  assert.ok(Array.isArray(task) && task.every((p) => Object.is(p, Math.fround(p))));
  const parsed = JSON.parse(JSON.stringify(task)) as number[];
  env.setTaskState(parsed);
  assert.deepEqual(env.getTaskState(), task);
  assert.deepEqual(env.getTaskObs(), Float32Array.from(task));
  env.setTaskState(Float32Array.of(0.1, 0.2, 0.3));
  assert.deepEqual(env.getTaskState(), [Math.fround(0.1), Math.fround(0.2), Math.fround(0.3)]);
});

test("FiniteMTBandit: the task state (an index) and the listed task set survive JSON", () => {
  const env = new FiniteMTBandit({ nArms: 3, nTasks: 4 });
  assert.deepEqual(JSON.parse(JSON.stringify(env.listTaskStates())), [0, 1, 2, 3]);
  env.setTaskState(JSON.parse(JSON.stringify(2)) as number);
  assert.equal(env.getTaskState(), 2);
});

test("FiniteMTBandit: the task set comes from the taskSetSeed kwarg, not from seedTask", () => {
  const sets = (seed: number, taskSeed: number): Float32Array[] => {
    const env = new FiniteMTBandit({ nArms: 3, nTasks: 4, taskSetSeed: seed });
    env.seedTask(taskSeed);
    return Array.from({ length: 4 }, (_, i) => env.armProbabilitiesOf(i));
  };
  assert.deepEqual(sets(7, 0), sets(7, 99));
  assert.notDeepEqual(sets(7, 0), sets(8, 0));
  for (const probabilities of sets(7, 0)) assert.ok(probabilities.every((p) => p >= 0 && p <= 1));
});

test("FiniteMTBandit: the task is an index, taskObs is that index, rewards follow that bandit", () => {
  const env = new FiniteMTBandit({ nArms: 2, nTasks: 3, taskSetSeed: 1 });
  env.seedTask(0);
  const drawn = new Set(Array.from({ length: 50 }, () => env.sampleTaskState()));
  assert.deepEqual([...drawn].sort(), [0, 1, 2]);
  env.setTaskState(2);
  assert.equal(env.getTaskObs(), 2);
  const expected = env.armProbabilitiesOf(2);
  const rates = payoutRates(env, 3000);
  expected.forEach((p, arm) => assert.ok(Math.abs(rates[arm]! - p) < 0.04, `arm ${arm}: p=${p}, paid ${rates[arm]}`));
  assert.throws(() => env.setTaskState(3), (e: unknown) => e instanceof InvalidTaskStateError && /integer in \[0, 2\], got 3/.test(e.message));
});

test("FiniteMTBandit lists its task set, through the registry's wrappers too", () => {
  assert.deepEqual(findTaskSet(make("MT-FiniteBandit-v0", { nTasks: 3 })), [0, 1, 2]);
});

test("both bandits are registered with a 10-pull episode and validated kwargs", () => {
  for (const id of ["MT-Bandit-v0", "MT-FiniteBandit-v0"]) {
    const env = make(id);
    assert.ok(env instanceof TimeLimit && env.maxEpisodeSteps === 10, id);
  }
  assert.throws(() => make("MT-Bandit-v0", { nArms: 0 }), (e: unknown) => e instanceof ConfigError && /kwargs\.nArms/.test(e.message));
  assert.throws(() => make("MT-FiniteBandit-v0", { nTask: 3 }), (e: unknown) => e instanceof ConfigError && /kwargs\.nTask: unknown keyword\. Did you mean: nTasks\?/.test(e.message));
});
