import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, InvalidActionError, InvalidSpaceError, SpaceMismatchError } from "../core/errors.js";
import { MTEnvBase } from "../core/mt-env.js";
import type { Info } from "../core/types.js";
import { Box } from "../spaces/box.js";
import { RescaleAction } from "./rescale-action.js";
import { ToyChoiceEnv, ToyGoalEnv, rollout } from "../testing/wrapper-fixture-envs.js";

test("RescaleAction maps [-1, 1] linearly onto the env's bounds", () => {
  const inner = new ToyGoalEnv({ actionLow: -2, actionHigh: 6 });
  const env = new RescaleAction(inner);
  env.reset({ seed: 0 });
  const received = (agentAction: number): number => {
    env.step(Float32Array.of(agentAction));
    return inner.lastAction![0]!;
  };
  assert.equal(received(-1), -2);
  assert.equal(received(1), 6);
  assert.equal(received(0), 2);
  assert.equal(received(0.5), 4);
});

test("RescaleAction clips actions outside the agent range to the env's bounds", () => {
  const inner = new ToyGoalEnv({ actionLow: -2, actionHigh: 6 });
  const env = new RescaleAction(inner);
  env.reset({ seed: 0 });
  env.step(Float32Array.of(3));
  assert.equal(inner.lastAction![0], 6);
  env.step(Float32Array.of(-7));
  assert.equal(inner.lastAction![0], -2);
});

test("RescaleAction supports any agent range and per-element bounds", () => {
  const inner = new ToyGoalEnv({ actionLow: 10, actionHigh: 20 });
  const env = new RescaleAction(inner, 0, 1);
  assert.ok(env.actionSpace.equals(new Box(0, 1, { shape: [1] })));
  env.reset({ seed: 0 });
  env.step(Float32Array.of(0.25));
  assert.equal(inner.lastAction![0], 12.5);

  const perElement = new RescaleAction(new ToyGoalEnv(), [0], [4]);
  assert.deepEqual(Array.from(perElement.toEnvAction(Float32Array.of(1))), [-0.5]);
});

test("RescaleAction's action space samples lie in the agent range and replay under the same seed", () => {
  const draws = (seed: number): number[] => {
    const env = new RescaleAction(new ToyGoalEnv({ actionLow: -2, actionHigh: 6 }));
    env.reset({ seed });
    return Array.from({ length: 20 }, () => env.actionSpace.sample()[0]!);
  };
  const first = draws(4);
  assert.deepEqual(first, draws(4));
  assert.ok(first.every((a) => a >= -1 && a <= 1), `samples should lie in [-1, 1]: ${first.join(", ")}`);
  assert.ok(first.some((a) => a < 0) && first.some((a) => a > 0));
});

test("RescaleAction: same seeds give identical rollouts", () => {
  const make = () => new RescaleAction(new ToyGoalEnv({ actionLow: -3, actionHigh: 3 }));
  const a = rollout(make(), { env: 7, task: 7 });
  assert.deepEqual(a, rollout(make(), { env: 7, task: 7 }));
  assert.notDeepEqual(a, rollout(make(), { env: 8, task: 7 }));
});

test("RescaleAction rejects NaN and wrong lengths with InvalidActionError in terms of the agent's space", () => {
  const env = new RescaleAction(new ToyGoalEnv({ actionLow: -2, actionHigh: 6 }));
  env.reset({ seed: 0 });
  assert.throws(() => env.step(Float32Array.of(Number.NaN)), (error: unknown) => {
    assert.ok(error instanceof InvalidActionError);
    assert.match(error.message, /RescaleAction/);
    assert.match(error.message, /NaN/);
    return true;
  });
  assert.throws(() => env.step(Float32Array.of(0, 0)), (error: unknown) => error instanceof InvalidActionError && /expected length 1, got length 2/.test(error.message));
});

test("RescaleAction refuses non-Box and unbounded action spaces with SpaceMismatchError", () => {
  assert.throws(
    () => new RescaleAction(new ToyChoiceEnv() as never),
    (error: unknown) => error instanceof SpaceMismatchError && /expected a Box action space, got .*discrete/.test(error.message),
  );
  assert.throws(
    () => new RescaleAction(new ToyGoalEnv({ actionLow: -Infinity, actionHigh: 1 })),
    (error: unknown) => error instanceof SpaceMismatchError && /bounded/.test(error.message),
  );
});

test("RescaleAction refuses an empty or inverted agent range", () => {
  assert.throws(() => new RescaleAction(new ToyGoalEnv(), 1, 1), (error: unknown) => error instanceof ConfigError && /low < high/.test(error.message));
  assert.throws(() => new RescaleAction(new ToyGoalEnv(), 1, -1), InvalidSpaceError);
  assert.throws(() => new RescaleAction(new ToyGoalEnv(), -Infinity, 1), ConfigError);
});

/** An env whose step fails, to check the failure reaches the caller. */
class FailingEnv extends MTEnvBase<Float32Array, Float32Array, Float32Array, number> {
  constructor() {
    super(new Box(-1, 1, { shape: [1] }), new Box(-1, 1, { shape: [1] }), new Box(0, 1, { shape: [1] }));
  }
  getTaskObs(): Float32Array {
    return Float32Array.of(0);
  }
  getTaskState(): number {
    return 0;
  }
  setTaskState(): void {}
  sampleTaskState(): number {
    return 0;
  }
  protected resetEnv(): [Float32Array, Info] {
    return [Float32Array.of(0), {}];
  }
  protected stepEnv(): [Float32Array, number, boolean, boolean, Info] {
    throw new Error("physics diverged");
  }
}

test("RescaleAction lets the wrapped env's exceptions through (the reference swallowed them)", () => {
  const env = new RescaleAction(new FailingEnv());
  env.reset({ seed: 0 });
  assert.throws(() => env.step(Float32Array.of(0)), /physics diverged/);
});

test("RescaleAction forwards close()", () => {
  const inner = new ToyGoalEnv();
  new RescaleAction(inner).close();
  assert.equal(inner.closeCalls, 1);
});
