import assert from "node:assert/strict";
import { test } from "node:test";
import { SeedError } from "../core/errors.js";
import { NTasksId } from "./n-tasks-id.js";
import { SampleRandomTask } from "./sample-random-task.js";
import { ToyGoalEnv, assertObservationInSpace, rollout } from "../testing/wrapper-fixture-envs.js";

test("SampleRandomTask resamples the task on every reset, in the order the task stream dictates", () => {
  const env = new SampleRandomTask(new NTasksId(new ToyGoalEnv(), 100));
  const twin = new NTasksId(new ToyGoalEnv(), 100);
  env.seedTask(7);
  twin.seedTask(7);
  const ids: number[] = [];
  for (let episode = 0; episode < 20; episode++) {
    const [observation] = env.reset(episode === 0 ? { seed: 1 } : {});
    assertObservationInSpace(env, observation);
    assert.equal(observation.taskObs, twin.sampleTaskState(), "each reset should draw the next task of the stream");
    assert.equal(observation.taskObs, env.getTaskState());
    ids.push(observation.taskObs);
  }
  assert.ok(new Set(ids).size > 10, `20 resets over 100 tasks should see many tasks, saw ${new Set(ids).size}`);
});

test("SampleRandomTask changes the inner env's task at reset, not at step", () => {
  const inner = new ToyGoalEnv();
  const env = new SampleRandomTask(inner);
  env.seedTask(3);
  env.reset({ seed: 0 });
  const task = inner.getTaskState();
  for (let t = 0; t < 5; t++) env.step(env.actionSpace.sample());
  assert.deepEqual(inner.getTaskState(), task);
  env.reset();
  assert.notDeepEqual(inner.getTaskState(), task);
});

test("SampleRandomTask needs seedTask before the first reset (SeedError)", () => {
  const env = new SampleRandomTask(new ToyGoalEnv());
  assert.throws(() => env.reset({ seed: 0 }), SeedError);
});

test("SampleRandomTask: same seeds give identical rollouts", () => {
  const a = rollout(new SampleRandomTask(new ToyGoalEnv()), { env: 2, task: 2 });
  assert.deepEqual(a, rollout(new SampleRandomTask(new ToyGoalEnv()), { env: 2, task: 2 }));
  assert.notDeepEqual(a, rollout(new SampleRandomTask(new ToyGoalEnv()), { env: 2, task: 5 }));
});

test("SampleRandomTask forwards close()", () => {
  const inner = new ToyGoalEnv();
  new SampleRandomTask(inner).close();
  assert.equal(inner.closeCalls, 1);
});
