import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, InvalidTaskStateError, SeedError } from "../core/errors.js";
import { findTaskSet } from "../core/task-set.js";
import { Discrete } from "../spaces/discrete.js";
import { NTasks } from "./n-tasks.js";
import { NTasksId } from "./n-tasks-id.js";
import { OneHotTask } from "./one-hot-task.js";
import { ToyGoalEnv, assertObservationInSpace, rollout } from "../testing/wrapper-fixture-envs.js";

for (const n of [1, 10, 100]) {
  test(`NTasksId(n=${n}): task state and taskObs are ids in Discrete(${n}) that select the fixed inner tasks`, () => {
    const inner = new ToyGoalEnv();
    const env = new NTasksId(inner, n);
    assert.ok(env.observationSpace.spaces.taskObs.equals(new Discrete(n)));
    assert.equal(env.observationSpace.spaces.envObs, inner.observationSpace.spaces.envObs);
    env.seedTask(8);
    const seen = new Set<number>();
    for (let episode = 0; episode < 30; episode++) {
      env.resetTaskState();
      const id = env.getTaskState();
      seen.add(id);
      const [observation] = env.reset({ seed: episode });
      assertObservationInSpace(env, observation);
      assert.equal(observation.taskObs, id);
      assert.equal(env.getTaskObs(), id);
      assert.deepEqual(inner.getTaskState(), env.tasks[id], "the inner env runs the task behind the id");
      const [next] = env.step(env.actionSpace.sample());
      assert.equal(next.taskObs, id);
      assertObservationInSpace(env, next);
    }
    assert.equal(env.tasks.length, n);
    for (const id of seen) assert.ok(id >= 0 && id < n);
    if (n === 10) assert.ok(seen.size >= 8, `30 uniform draws over 10 ids should see most of them, saw ${seen.size}`);
  });
}

for (const n of [-1, 0]) {
  test(`NTasksId rejects n=${n} with a ConfigError`, () => {
    assert.throws(() => new NTasksId(new ToyGoalEnv(), n), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /NTasksId.*positive integer.*got n=/s);
      return true;
    });
  });
}

test("NTasksId picks the same tasks in the same order as NTasks under the same task seed", () => {
  const byId = new NTasksId(new ToyGoalEnv(), 7);
  const byState = new NTasks(new ToyGoalEnv(), 7);
  byId.seedTask(21);
  byState.seedTask(21);
  for (let i = 0; i < 25; i++) assert.deepEqual(byId.tasks[byId.sampleTaskState()], byState.sampleTaskState());
});

test("NTasksId rejects ids outside [0, n) with an InvalidTaskStateError saying expected vs got", () => {
  const env = new NTasksId(new ToyGoalEnv(), 3);
  env.seedTask(0);
  for (const bad of [3, -1, 1.5]) {
    assert.throws(() => env.setTaskState(bad), (error: unknown) => {
      assert.ok(error instanceof InvalidTaskStateError);
      assert.match(error.message, /expected an integer/);
      assert.match(error.message, new RegExp(`got ${bad}`));
      return true;
    });
  }
});

test("NTasksId: reset before any task is selected says to select one", () => {
  const env = new NTasksId(new ToyGoalEnv(), 3);
  env.seedTask(0);
  assert.throws(() => env.reset({ seed: 0 }), (error: unknown) => error instanceof InvalidTaskStateError && /resetTaskState/.test(error.message));
});

test("NTasksId needs seedTask before sampling or setting (the list is drawn from the task stream)", () => {
  const env = new NTasksId(new ToyGoalEnv(), 3);
  assert.throws(() => env.sampleTaskState(), SeedError);
  assert.throws(() => env.setTaskState(0), SeedError);
});

test("NTasksId: same seeds give identical rollouts and task-space samples", () => {
  const a = rollout(new NTasksId(new ToyGoalEnv(), 5), { env: 4, task: 9 });
  const b = rollout(new NTasksId(new ToyGoalEnv(), 5), { env: 4, task: 9 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, rollout(new NTasksId(new ToyGoalEnv(), 5), { env: 4, task: 10 }));

  const spaceDraws = (seed: number): number[] => {
    const env = new NTasksId(new ToyGoalEnv(), 50);
    env.seedTask(seed);
    return Array.from({ length: 10 }, () => env.observationSpace.spaces.taskObs.sample());
  };
  assert.deepEqual(spaceDraws(3), spaceDraws(3));
});

test("NTasksId forwards close() and unwraps to the inner env", () => {
  const inner = new ToyGoalEnv();
  const env = new NTasksId(inner, 2);
  assert.equal(env.unwrapped, inner);
  env.close();
  assert.equal(inner.closeCalls, 1);
});

test("findTaskSet on NTasksId (and through OneHotTask) gives the ids 0..n-1", () => {
  assert.deepEqual(findTaskSet(new NTasksId(new ToyGoalEnv(), 4)), [0, 1, 2, 3]);
  assert.deepEqual(findTaskSet(new OneHotTask(new NTasksId(new ToyGoalEnv(), 3))), [0, 1, 2]);
});
