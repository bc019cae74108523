import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, SpaceMismatchError } from "../core/errors.js";
import { Box } from "../spaces/box.js";
import { FrameStack } from "./frame-stack.js";
import { ToyChoiceEnv, ToyGoalEnv, assertObservationInSpace, plain, rollout } from "../testing/wrapper-fixture-envs.js";

const actionAt = (t: number): Float32Array => Float32Array.of(Math.cos(t));

for (const k of [1, 10, 100]) {
  test(`FrameStack(k=${k}) stacks the last ${k} observations along a leading axis, oldest first`, () => {
    const inner = new ToyGoalEnv();
    const env = new FrameStack(inner, k);
    const frameSpace = inner.observationSpace.spaces.envObs as Box;
    const stackedSpace = env.observationSpace.spaces.envObs as Box;
    assert.deepEqual(stackedSpace.shape, [k, 2]);
    assert.deepEqual(Array.from(stackedSpace.low), new Array(2 * k).fill(frameSpace.low[0]));
    assert.equal(env.observationSpace.spaces.taskObs, inner.observationSpace.spaces.taskObs);

    const twin = new ToyGoalEnv();
    const raw: number[][] = [plain(twin.reset({ seed: 6 })[0].envObs) as number[]];
    const [first] = env.reset({ seed: 6 });
    assertObservationInSpace(env, first);
    assert.deepEqual(plain(first.envObs), new Array(k).fill(raw[0]).flat(), "after reset every slot holds the first frame");

    for (let t = 0; t < k + 3; t++) {
      raw.push(plain(twin.step(actionAt(t))[0].envObs) as number[]);
      const [observation] = env.step(actionAt(t));
      assertObservationInSpace(env, observation);
      const newest = raw.length - 1;
      const expected = Array.from({ length: k }, (_, slot) => raw[Math.max(0, newest - (k - 1) + slot)]!).flat();
      assert.deepEqual(plain(observation.envObs), expected, `step ${t}`);
    }
  });
}

test("FrameStack keeps multi-dimensional frames whole: shape S becomes [k, ...S]", () => {
  const env = new FrameStack(new ToyGoalEnv({ envObsShape: [2, 3] }), 4);
  const stacked = env.observationSpace.spaces.envObs as Box;
  assert.deepEqual(stacked.shape, [4, 2, 3]);
  assert.equal(stacked.size, 24);
  const [observation] = env.reset({ seed: 0 });
  assertObservationInSpace(env, observation);
});

test("FrameStack returns a fresh array each time, so a kept observation never changes", () => {
  const env = new FrameStack(new ToyGoalEnv(), 3);
  const [first] = env.reset({ seed: 0 });
  const kept = Array.from(first.envObs);
  env.step(actionAt(0));
  env.step(actionAt(1));
  assert.deepEqual(Array.from(first.envObs), kept);
});

for (const k of [-1, 0, 2.5]) {
  test(`FrameStack rejects k=${k} with a ConfigError`, () => {
    assert.throws(() => new FrameStack(new ToyGoalEnv(), k), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(`positive integer, got k=${k}`));
      return true;
    });
  });
}

test("FrameStack refuses a non-Box envObs space with SpaceMismatchError", () => {
  assert.throws(
    () => new FrameStack(new ToyChoiceEnv() as never, 3),
    (error: unknown) => error instanceof SpaceMismatchError && /expected a Box envObs space, got .*discrete/.test(error.message),
  );
});

test("FrameStack: same seeds give identical rollouts; close() is forwarded", () => {
  const a = rollout(new FrameStack(new ToyGoalEnv(), 3), { env: 1, task: 1 });
  assert.deepEqual(a, rollout(new FrameStack(new ToyGoalEnv(), 3), { env: 1, task: 1 }));
  assert.notDeepEqual(a, rollout(new FrameStack(new ToyGoalEnv(), 3), { env: 2, task: 1 }));
  const inner = new ToyGoalEnv();
  new FrameStack(inner, 2).close();
  assert.equal(inner.closeCalls, 1);
});
