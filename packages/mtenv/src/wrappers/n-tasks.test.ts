import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, SeedError } from "../core/errors.js";
import { findTaskSet } from "../core/task-set.js";
import { NTasks } from "./n-tasks.js";
import { ToyGoalEnv, type ToyTask, rollout } from "../testing/wrapper-fixture-envs.js";

for (const n of [1, 10, 100]) {
  test(`NTasks(n=${n}) draws n tasks from the inner env's sampler and samples only among them`, () => {
    const env = new NTasks(new ToyGoalEnv(), n);
    env.seedTask(5);
    const samples = Array.from({ length: 3 * n + 50 }, () => env.sampleTaskState());

    // The list is the inner env's first n draws under the forwarded task seed.
    const twin = new ToyGoalEnv();
    twin.seedTask(5);
    const expected = Array.from({ length: n }, () => twin.sampleTaskState());
    assert.deepEqual(env.tasks, expected);

    const listed = new Set(env.tasks);
    for (const sample of samples) assert.ok(listed.has(sample), `sampled ${JSON.stringify(sample)} is not one of the ${n} fixed tasks`);
    const distinct = new Set(samples).size;
    if (n === 1) assert.equal(distinct, 1);
    if (n === 10) assert.equal(distinct, 10, "300+ uniform draws over 10 tasks should see every task");
    if (n === 100) assert.ok(distinct > 60 && distinct <= 100, `expected most of the 100 tasks to be drawn, saw ${distinct}`);
  });
}

for (const n of [-1, 0, 2.5, Number.NaN]) {
  test(`NTasks rejects n=${n} with a ConfigError that names the expected and received value`, () => {
    assert.throws(() => new NTasks(new ToyGoalEnv(), n), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /NTasks/);
      assert.match(error.message, /positive integer/);
      assert.match(error.message, new RegExp(`got n=${n}`));
      return true;
    });
  });
}

test("NTasks needs seedTask before sampling (SeedError)", () => {
  const env = new NTasks(new ToyGoalEnv(), 3);
  assert.throws(() => env.sampleTaskState(), SeedError);
  assert.throws(() => env.resetTaskState(), SeedError);
});

test("NTasks resetTaskState puts the inner env on one of the fixed tasks", () => {
  const inner = new ToyGoalEnv();
  const env = new NTasks(inner, 4);
  env.seedTask(2);
  for (let i = 0; i < 20; i++) {
    env.resetTaskState();
    assert.ok(
      env.tasks.some((task: ToyTask) => task.goal === inner.getTaskState().goal && task.speed === inner.getTaskState().speed),
      "the inner env's task should be one of the fixed list",
    );
  }
});

test("NTasks keeps its fixed list when reseeded; the index stream restarts with the seed", () => {
  const env = new NTasks(new ToyGoalEnv(), 5);
  env.seedTask(1);
  const first = [...env.tasks];
  const draws = Array.from({ length: 10 }, () => env.sampleTaskState());
  env.seedTask(1);
  assert.deepEqual(env.tasks, first);
  assert.deepEqual(
    Array.from({ length: 10 }, () => env.sampleTaskState()),
    draws,
  );
  env.seedTask(99);
  assert.deepEqual(env.tasks, first);
});

test("NTasks: same seeds give identical rollouts, observations stay in the space, another task seed differs", () => {
  const a = rollout(new NTasks(new ToyGoalEnv(), 3), { env: 1, task: 2 });
  const b = rollout(new NTasks(new ToyGoalEnv(), 3), { env: 1, task: 2 });
  const c = rollout(new NTasks(new ToyGoalEnv(), 3), { env: 1, task: 3 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("NTasks forwards close() and keeps the inner spaces", () => {
  const inner = new ToyGoalEnv();
  const env = new NTasks(inner, 2);
  assert.equal(env.observationSpace, inner.observationSpace);
  assert.equal(env.actionSpace, inner.actionSpace);
  assert.equal(env.unwrapped, inner);
  env.close();
  assert.equal(inner.closeCalls, 1);
});

test("findTaskSet on NTasks gives its n fixed tasks, not the wrapped env's own task set", () => {
  class ListedToyEnv extends ToyGoalEnv {
    listTaskStates(): ToyTask[] {
      return [{ goal: 0, speed: 1 }, { goal: 0.5, speed: 1 }];
    }
  }
  const env = new NTasks(new ListedToyEnv(), 3);
  env.seedTask(4);
  assert.deepEqual(findTaskSet(env), env.tasks);
  assert.equal(findTaskSet(env)!.length, 3);
});
