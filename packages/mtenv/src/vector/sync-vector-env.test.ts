import assert from "node:assert/strict";
import { test } from "node:test";
import { ClosedEnvironmentError, ConfigError, InvalidActionError, ResetNeededError, SpaceMismatchError } from "../core/errors.js";
import type { AnyMTEnv, MTObs } from "../core/types.js";
import { Box } from "../spaces/box.js";
import type { FlatArray } from "../spaces/space.js";
import { AutoresetMode } from "./autoreset-mode.js";
import { BatchedSpace } from "./batched-space.js";
import { buildEnv } from "./build-env.js";
import { SyncVectorEnv } from "./sync-vector-env.js";
import { TEST_ENV_ID, TEST_ENV_MAX_STEPS } from "../testing/vector-fixture-env.js";
import type { VectorEnvSpec } from "./types.js";

const specs = (count: number, kwargs: Record<string, unknown> = {}): VectorEnvSpec[] =>
  Array.from({ length: count }, (_, i) => ({ id: TEST_ENV_ID, kwargs, taskSeed: 100 + i, taskState: [i / count, -0.5] }));

/** Row `index` of a batched array as a plain array. */
const row = (batch: FlatArray, size: number, index: number): number[] => Array.from(batch.subarray(index * size, (index + 1) * size));
const obsOf = (observation: MTObs<unknown, unknown>): number[] => Array.from(observation.envObs as Float32Array);

test("single spaces stay apart from the batched spaces, and results lie in the batched ones", async () => {
  const env = new SyncVectorEnv(specs(3));
  assert.ok(env.singleActionSpace instanceof Box);
  assert.equal(env.singleObservationSpace.spaces.envObs.flatSize, 3);
  assert.ok(env.actionSpace.equals(new BatchedSpace(env.singleActionSpace, 3)));
  assert.equal(env.observationSpace.spaces.envObs.flatSize, 9);
  const { envObs, taskObs } = env.reset({ seed: 1 });
  assert.ok(envObs instanceof Float32Array && taskObs instanceof Float32Array);
  assert.ok(env.observationSpace.contains({ envObs, taskObs }));
  const result = env.step(env.actionSpace.sample());
  assert.ok(env.observationSpace.spaces.envObs.contains(result.envObs));
  assert.ok(result.rewards instanceof Float64Array && result.terminated instanceof Uint8Array && result.truncated instanceof Uint8Array);
  assert.equal(result.envObs, envObs, "observations land in the same preallocated array every step");
  await env.close();
});

test("reset({ seed }) seeds env i with seed + i: each row equals a single env seeded that way", async () => {
  const vector = new SyncVectorEnv(specs(3));
  const { envObs } = vector.reset({ seed: 40 });
  specs(3).forEach((spec, i) => {
    const single = buildEnv(spec);
    const [observation] = single.reset({ seed: 40 + i });
    assert.deepEqual(row(envObs, 3, i), obsOf(observation));
  });
  const explicit = vector.reset({ seed: [7, 8, 9] });
  const [observation] = buildEnv(specs(3)[2]!).reset({ seed: 9 });
  assert.deepEqual(row(explicit.envObs, 3, 2), obsOf(observation));
  assert.throws(() => vector.reset({ seed: [1, 2] }), ConfigError);
  await vector.close();
});

/** Steps `vector` and reference single envs built from the same specs with the same actions. */
function runAgainstReference(
  mode: AutoresetMode,
  steps: number,
  check: (args: { vector: SyncVectorEnv; references: AnyMTEnv[]; actions: Float32Array; step: number }) => void,
): void {
  const vector = new SyncVectorEnv(specs(4), { autoresetMode: mode });
  const references = specs(4).map(buildEnv);
  vector.reset({ seed: 5 });
  references.forEach((env, i) => env.reset({ seed: 5 + i }));
  vector.actionSpace.seed(3);
  for (let step = 0; step < steps; step++) check({ vector, references, actions: vector.actionSpace.sample(), step });
}

test("SameStep: the true last observation is in infos[i].finalObservation and the returned one starts the next episode", () => {
  let finals = 0;
  runAgainstReference(AutoresetMode.SameStep, 300, ({ vector, references, actions }) => {
    const result = vector.step(actions);
    references.forEach((env, i) => {
      const [observation, reward, terminated, truncated, info] = env.step(actions.slice(i * 2, i * 2 + 2));
      assert.equal(result.rewards[i], reward);
      assert.equal(result.terminated[i], terminated ? 1 : 0);
      assert.equal(result.truncated[i], truncated ? 1 : 0);
      if (terminated || truncated) {
        finals++;
        const final = result.infos[i]!.finalObservation as MTObs<Float32Array, Float32Array>;
        assert.deepEqual(Array.from(final.envObs), obsOf(observation), "final observation is the episode's true last one");
        assert.deepEqual(Array.from(final.taskObs), Array.from(observation.taskObs as Float32Array));
        assert.deepEqual(result.infos[i]!.finalInfo, info);
        const [next, resetInfo] = env.reset();
        assert.deepEqual(row(result.envObs, 3, i), obsOf(next), "returned observation is the new episode's first");
        assert.equal(result.infos[i]!.startDistance, resetInfo.startDistance);
      } else {
        assert.deepEqual(row(result.envObs, 3, i), obsOf(observation));
        assert.equal(result.infos[i]!.finalObservation, undefined);
      }
    });
  });
  assert.ok(finals > 20, `expected many autoresets in 300 steps, got ${finals}`);
});

test("NextStep: the ending step returns the true last observation; the next step resets with reward 0 and ignores the action", () => {
  const pending = new Set<number>();
  let autoresets = 0;
  runAgainstReference(AutoresetMode.NextStep, 300, ({ vector, references, actions }) => {
    const result = vector.step(actions);
    references.forEach((env, i) => {
      if (pending.has(i)) {
        pending.delete(i);
        autoresets++;
        const [first] = env.reset();
        assert.deepEqual(row(result.envObs, 3, i), obsOf(first));
        assert.deepEqual([result.rewards[i], result.terminated[i], result.truncated[i]], [0, 0, 0]);
        return;
      }
      const [observation, reward, terminated, truncated] = env.step(actions.slice(i * 2, i * 2 + 2));
      assert.deepEqual(row(result.envObs, 3, i), obsOf(observation));
      assert.equal(result.rewards[i], reward);
      assert.equal(result.infos[i]!.finalObservation, undefined);
      if (terminated || truncated) pending.add(i);
    });
  });
  assert.ok(autoresets > 20, `expected many autoresets, got ${autoresets}`);
});

test("Disabled: an ended env is not reset; stepping it throws ResetNeededError until reset({ mask }) resets only it", async () => {
  const vector = new SyncVectorEnv(specs(2), { autoresetMode: AutoresetMode.Disabled });
  vector.reset({ seed: 11 });
  const stay = new Float32Array(4);
  let ended = -1;
  for (let step = 0; step < TEST_ENV_MAX_STEPS && ended < 0; step++) {
    const result = vector.step(stay);
    ended = result.terminated.findIndex((t, i) => t === 1 || result.truncated[i] === 1);
  }
  assert.ok(ended >= 0, "an episode ends within the time limit");
  assert.throws(() => vector.step(stay), (error: unknown) => error instanceof ResetNeededError && /environment \d/.test(error.message));
  const other = 1 - ended;
  const before = row(vector.reset({ seed: 11, mask: [ended === 0, ended === 1] }).envObs, 3, other);
  const afterMaskedReset = vector.observationAt(other).envObs as Float32Array;
  assert.deepEqual(Array.from(afterMaskedReset), before, "the env outside the mask keeps its observation");
  await vector.close();
});

test("step rejects a wrongly sized batch with InvalidActionError; a bad action surfaces the env's own InvalidActionError", async () => {
  const vector = new SyncVectorEnv(specs(2));
  vector.reset({ seed: 0 });
  assert.throws(() => vector.step(new Float32Array(3)), (error: unknown) => error instanceof InvalidActionError && /2 envs × 2 = 4/.test(error.message));
  assert.throws(
    () => vector.step(Float32Array.of(0, 0, Number.NaN, 0)),
    (error: unknown) => error instanceof InvalidActionError && /element 0 is NaN/.test(error.message) && /environment 1\]/.test(error.message),
  );
  await vector.close();
});

test("discrete actions are one value per env", async () => {
  const vector = new SyncVectorEnv(specs(3, { discrete: true }));
  assert.equal(vector.actionSpace.flatSize, 3);
  vector.reset({ seed: 2 });
  const result = vector.step(Float32Array.of(0, 1, 4));
  assert.equal(result.rewards.length, 3);
  assert.throws(() => vector.step(Float32Array.of(0, 5, 1)), InvalidActionError);
  await vector.close();
});

test("environments with different spaces cannot be batched", () => {
  assert.throws(() => new SyncVectorEnv([{ id: TEST_ENV_ID }, { id: TEST_ENV_ID, kwargs: { discrete: true } }]), SpaceMismatchError);
});

test("call() reaches every env and returns copies; close() closes them and later calls throw", async () => {
  const vector = new SyncVectorEnv(specs(2));
  const states = vector.call("getTaskState") as number[][];
  assert.deepEqual(states, [
    [0, -0.5],
    [0.5, -0.5],
  ]);
  states[0]![0] = 0.9;
  assert.deepEqual(vector.call("getTaskState")[0], [0, -0.5]);
  await vector.close();
  for (const env of vector.envs) assert.throws(() => env.reset({ seed: 0 }), ClosedEnvironmentError);
  assert.throws(() => vector.step(new Float32Array(4)), ClosedEnvironmentError);
  await vector.close();
});

test("an unknown autoreset mode is a ConfigError listing the valid ones", () => {
  assert.throws(
    () => new SyncVectorEnv(specs(1), { autoresetMode: "same_step" as AutoresetMode }),
    (error: unknown) => error instanceof ConfigError && error.message.includes('"same-step"'),
  );
});
