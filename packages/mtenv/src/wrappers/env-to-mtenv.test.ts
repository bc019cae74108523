import assert from "node:assert/strict";
import { test } from "node:test";
import { ClosedEnvironmentError, InvalidActionError, InvalidTaskStateError, SeedError } from "../core/errors.js";
import { Box } from "../spaces/box.js";
import { EnvToMTEnv } from "./env-to-mtenv.js";
import { ToySingleTaskEnv, assertObservationInSpace, plain, rollout } from "../testing/wrapper-fixture-envs.js";

/** The adapter as a user writes it: the task is the wrapped env's speed, observed as [speed]. */
class SpeedTaskEnv extends EnvToMTEnv<Float32Array, Float32Array, Float32Array, number> {
  constructor(readonly inner = new ToySingleTaskEnv()) {
    super(inner, new Box(0.5, 2, { shape: [1] }));
  }

  getTaskObs(): Float32Array {
    return Float32Array.of(this.inner.speed);
  }

  getTaskState(): number {
    return this.inner.speed;
  }

  setTaskState(speed: number): void {
    if (!(speed >= 0.5 && speed <= 2)) throw new InvalidTaskStateError(`expected a speed in [0.5, 2], got ${speed}`);
    this.inner.speed = speed;
  }

  sampleTaskState(): number {
    return this.taskRng.uniform(0.5, 2);
  }
}

test("EnvToMTEnv turns observations into { envObs, taskObs } with the given task space", () => {
  const env = new SpeedTaskEnv();
  assert.equal(env.observationSpace.spaces.envObs, env.inner.observationSpace);
  assert.equal(env.actionSpace, env.inner.actionSpace);
  assert.ok(env.observationSpace.spaces.taskObs.equals(new Box(0.5, 2, { shape: [1] })));
  env.seedTask(0);
  env.resetTaskState();
  const [observation] = env.reset({ seed: 3 });
  assertObservationInSpace(env, observation);
  assert.deepEqual(plain(observation.taskObs), [env.inner.speed].map(Math.fround));
  const [next, reward, terminated, truncated, info] = env.step(Float32Array.of(1));
  assertObservationInSpace(env, next);
  assert.equal(typeof reward, "number");
  assert.equal(terminated, false);
  assert.equal(truncated, false);
  assert.deepEqual(info, {});
});

test("EnvToMTEnv passes reset seeds unchanged, so it reproduces the plain env exactly", () => {
  const plainEnv = new ToySingleTaskEnv();
  const adapted = new SpeedTaskEnv();
  const [first] = plainEnv.reset({ seed: 17 });
  const [adaptedFirst] = adapted.reset({ seed: 17 });
  assert.deepEqual(adaptedFirst.envObs, first);
  for (let t = 0; t < 5; t++) {
    const action = Float32Array.of(0.3 * t - 0.5);
    assert.deepEqual(adapted.step(action)[0].envObs, plainEnv.step(action)[0]);
  }
  adapted.reset();
  assert.deepEqual(adapted.inner.receivedSeeds, [17], "a reset without seed must not reseed the wrapped env");
});

test("EnvToMTEnv: the subclass's task state changes the dynamics", () => {
  const displacement = (speed: number): number => {
    const env = new SpeedTaskEnv();
    env.setTaskState(speed);
    const [start] = env.reset({ seed: 1 });
    const [end] = env.step(Float32Array.of(1));
    return end.envObs[0]! - start.envObs[0]!;
  };
  assert.ok(displacement(2) > displacement(0.5));
});

test("EnvToMTEnv follows the seeding rule: the first reset needs a seed, sampling needs seedTask", () => {
  const env = new SpeedTaskEnv();
  assert.throws(() => env.reset(), SeedError);
  assert.throws(() => env.sampleTaskState(), SeedError);
  assert.throws(() => env.resetTaskState(), SeedError);
});

test("EnvToMTEnv rejects bad actions with InvalidActionError before they reach the wrapped env", () => {
  const env = new SpeedTaskEnv();
  env.reset({ seed: 0 });
  assert.throws(() => env.step(Float32Array.of(Number.NaN)), (error: unknown) => error instanceof InvalidActionError && /NaN/.test(error.message));
  assert.throws(() => env.step(Float32Array.of(0, 0)), (error: unknown) => error instanceof InvalidActionError && /expected length 1, got length 2/.test(error.message));
});

test("EnvToMTEnv: same seeds give identical rollouts, another task seed differs", () => {
  const a = rollout(new SpeedTaskEnv(), { env: 5, task: 5 });
  assert.deepEqual(a, rollout(new SpeedTaskEnv(), { env: 5, task: 5 }));
  assert.notDeepEqual(a, rollout(new SpeedTaskEnv(), { env: 5, task: 6 }));
});

test("EnvToMTEnv forwards close() once; later calls throw ClosedEnvironmentError", () => {
  const env = new SpeedTaskEnv();
  env.close();
  env.close();
  assert.equal(env.inner.closed, true);
  assert.throws(() => env.reset({ seed: 0 }), ClosedEnvironmentError);
});
