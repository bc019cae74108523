import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ClosedEnvironmentError,
  ConfigError,
  InvalidActionError,
  InvalidTaskStateError,
  ResetNeededError,
  SeedError,
  SpaceMismatchError,
} from "../core/errors.js";
import { findTaskSet } from "../core/task-set.js";
import { Discrete } from "../spaces/discrete.js";
import { MultiEnv } from "./multi-env.js";
import { ToySingleTaskEnv, assertObservationInSpace, plain, rollout } from "../testing/wrapper-fixture-envs.js";

/** N constructors with distinct speeds; records every env built, in task order. */
function toyConstructors(count: number) {
  const built: Array<ToySingleTaskEnv | undefined> = new Array(count).fill(undefined);
  const constructors = Array.from({ length: count }, (_, task) => () => {
    const env = new ToySingleTaskEnv(0.5 + task * 0.25);
    built[task] = env;
    return env;
  });
  return { constructors, built };
}

for (const count of [1, 10, 100]) {
  test(`MultiEnv with ${count} task(s): task = index, taskObs Discrete(${count}), envs built lazily`, () => {
    const { constructors, built } = toyConstructors(count);
    const env = new MultiEnv(constructors, 0);
    assert.ok(env.observationSpace.spaces.taskObs.equals(new Discrete(count)));
    assert.equal(env.builtEnvCount, 1);
    env.seedTask(4);
    const visited = new Set<number>([0]);
    let [observation] = env.reset({ seed: 11 });
    assertObservationInSpace(env, observation);
    for (let episode = 0; episode < 15; episode++) {
      env.resetTaskState();
      visited.add(env.getTaskState());
      [observation] = env.reset();
      assertObservationInSpace(env, observation);
      assert.equal(observation.taskObs, env.getTaskState());
      assert.equal(env.activeEnv, built[env.getTaskState()]);
      const [next] = env.step(env.actionSpace.sample());
      assertObservationInSpace(env, next);
    }
    assert.equal(env.builtEnvCount, visited.size, "only the visited tasks' envs should be built");
  });
}

test("MultiEnv runs each task on its own env (different dynamics per task)", () => {
  const { constructors } = toyConstructors(3);
  const env = new MultiEnv(constructors, 0);
  const push = Float32Array.of(1);
  const displacement = (task: number): number => {
    env.setTaskState(task);
    const [start] = env.reset({ seed: 5 });
    const [end] = env.step(push);
    return end.envObs[0]! - start.envObs[0]!;
  };
  const moves = [0, 1, 2].map(displacement);
  assert.ok(moves[0]! < moves[1]! && moves[1]! < moves[2]!, `faster tasks should move further: ${moves.join(", ")}`);
});

test("MultiEnv forwards a per-task seed derived from the reset seed, the same whatever the visiting order", () => {
  /** Resets each task of `order` in turn under one reset seed; returns task 2's first observation. */
  const firstObservationOfTask2 = (order: number[]) => {
    const { constructors, built } = toyConstructors(3);
    const env = new MultiEnv(constructors, order[0]!);
    env.reset({ seed: 42 });
    let observation: unknown;
    for (const task of order.slice(1)) {
      env.setTaskState(task);
      [observation] = env.reset();
    }
    return { observation: plain(observation), seeds: built.map((sub) => sub?.receivedSeeds ?? []) };
  };
  const viaZeroOne = firstObservationOfTask2([0, 1, 2]);
  const viaOne = firstObservationOfTask2([1, 2]);
  assert.deepEqual(viaZeroOne.observation, viaOne.observation);
  assert.deepEqual(viaZeroOne.seeds[2], viaOne.seeds[2]);
  assert.equal(viaZeroOne.seeds[1]!.length, 1);
  assert.notEqual(viaZeroOne.seeds[0]![0], viaZeroOne.seeds[1]![0], "tasks should get distinct seeds");
  assert.notEqual(viaZeroOne.seeds[0]![0], 42, "the reset seed is not passed on raw, so tasks get independent streams");
});

test("MultiEnv seeds each env once per reset seed; a new reset seed reseeds on next visit", () => {
  const { constructors, built } = toyConstructors(2);
  const env = new MultiEnv(constructors, 0);
  env.reset({ seed: 1 });
  env.reset();
  env.setTaskState(1);
  env.reset();
  env.setTaskState(0);
  env.reset();
  assert.equal(built[0]!.receivedSeeds.length, 1);
  env.reset({ seed: 2 });
  env.setTaskState(1);
  env.reset();
  assert.equal(built[0]!.receivedSeeds.length, 2);
  assert.equal(built[1]!.receivedSeeds.length, 2);
});

test("MultiEnv: same seeds give identical rollouts; another env seed differs", () => {
  const make = () => new MultiEnv(toyConstructors(5).constructors, 2);
  const a = rollout(make(), { env: 3, task: 6 }, { episodes: 6 });
  assert.deepEqual(a, rollout(make(), { env: 3, task: 6 }, { episodes: 6 }));
  assert.notDeepEqual(a, rollout(make(), { env: 4, task: 6 }, { episodes: 6 }));
});

test("MultiEnv rejects a task env whose spaces differ, naming the task and expected vs got", () => {
  const actionMismatch = new MultiEnv([() => new ToySingleTaskEnv(), () => new ToySingleTaskEnv(), () => new ToySingleTaskEnv(1, { actionSize: 2 })], 0);
  assert.throws(() => actionMismatch.setTaskState(2), (error: unknown) => {
    assert.ok(error instanceof SpaceMismatchError);
    assert.match(error.message, /action space/);
    assert.match(error.message, /task 2/);
    assert.match(error.message, /Expected .*"shape":\[1\].*got .*"shape":\[2\]/);
    return true;
  });
  assert.equal(actionMismatch.getTaskState(), 0, "a failed switch leaves the active task unchanged");

  const observationMismatch = new MultiEnv([() => new ToySingleTaskEnv(), () => new ToySingleTaskEnv(1, { observationHigh: 9 })], 0);
  assert.throws(() => observationMismatch.setTaskState(1), (error: unknown) => error instanceof SpaceMismatchError && /observation space/.test(error.message));
});

test("MultiEnv validates its arguments and task states", () => {
  assert.throws(() => new MultiEnv([], 0), ConfigError);
  const { constructors } = toyConstructors(3);
  for (const bad of [-1, 3, 0.5]) {
    assert.throws(() => new MultiEnv(constructors, bad), (error: unknown) => error instanceof ConfigError && /\[0, 2\]/.test(error.message));
  }
  const env = new MultiEnv(constructors, 0);
  assert.throws(() => env.setTaskState(3), (error: unknown) => {
    assert.ok(error instanceof InvalidTaskStateError);
    assert.match(error.message, /expected an integer in \[0, 2\], got 3/);
    return true;
  });
});

test("MultiEnv seeding rules: first reset needs a seed, sampling needs seedTask", () => {
  const env = new MultiEnv(toyConstructors(2).constructors, 0);
  assert.throws(() => env.reset(), SeedError);
  assert.throws(() => env.sampleTaskState(), SeedError);
  assert.throws(() => env.reset({ seed: -1 }), SeedError);
  assert.throws(() => env.reset(), SeedError, "a rejected seed must not count as seeding");
});

test("MultiEnv requires a reset after switching task, and validates actions", () => {
  const env = new MultiEnv(toyConstructors(2).constructors, 0);
  env.reset({ seed: 0 });
  env.step(Float32Array.of(0));
  env.setTaskState(1);
  assert.throws(() => env.step(Float32Array.of(0)), ResetNeededError);
  env.reset();
  env.step(Float32Array.of(0));
  assert.throws(() => env.step(Float32Array.of(Number.NaN)), InvalidActionError);
  env.setTaskState(1);
  env.step(Float32Array.of(0)); // selecting the active task again is not a switch
});

test("MultiEnv.close() closes every built env; later calls throw ClosedEnvironmentError", () => {
  const { constructors, built } = toyConstructors(3);
  const env = new MultiEnv(constructors, 0);
  env.setTaskState(2);
  env.close();
  assert.equal(built[0]!.closed, true);
  assert.equal(built[2]!.closed, true);
  assert.equal(built[1], undefined, "close() must not build envs that were never used");
  assert.throws(() => env.reset({ seed: 0 }), ClosedEnvironmentError);
  assert.throws(() => env.setTaskState(1), ClosedEnvironmentError);
});

test("findTaskSet on MultiEnv gives the task indices without building any env", () => {
  const { constructors } = toyConstructors(4);
  const env = new MultiEnv(constructors, 1);
  assert.deepEqual(findTaskSet(env), [0, 1, 2, 3]);
  assert.equal(env.builtEnvCount, 1);
});
