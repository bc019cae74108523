import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, ResetNeededError, SeedError } from "../core/errors.js";
import { StickyObservation } from "./sticky-observation.js";
import { ToyGoalEnv, assertObservationInSpace, plain, rollout } from "../testing/wrapper-fixture-envs.js";

const actionAt = (t: number): Float32Array => Float32Array.of(Math.sin(0.7 * t));

/** The raw envObs sequence of an unwrapped twin (index 0 = the reset observation). */
function rawObservations(seed: number, steps: number): number[][] {
  const twin = new ToyGoalEnv();
  const raw = [plain(twin.reset({ seed })[0].envObs) as number[]];
  for (let t = 0; t < steps; t++) raw.push(plain(twin.step(actionAt(t))[0].envObs) as number[]);
  return raw;
}

/** The wrapper's envObs sequence under the same seed and actions. */
function stickyObservations(p: number, lastK: number, seed: number, steps: number): number[][] {
  const env = new StickyObservation(new ToyGoalEnv(), p, lastK);
  const [first] = env.reset({ seed });
  const seen = [plain(first.envObs) as number[]];
  for (let t = 0; t < steps; t++) {
    const [observation] = env.step(actionAt(t));
    assertObservationInSpace(env, observation);
    seen.push(plain(observation.envObs) as number[]);
  }
  return seen;
}

test("StickyObservation with p = 0 passes every observation through", () => {
  assert.deepEqual(stickyObservations(0, 3, 5, 40), rawObservations(5, 40));
});

test("StickyObservation with p = 1 and lastK = 1 always shows the previous observation", () => {
  const raw = rawObservations(5, 30);
  const seen = stickyObservations(1, 1, 5, 30);
  for (let t = 1; t <= 30; t++) assert.deepEqual(seen[t], raw[t - 1], `step ${t}`);
});

/** For each step, how many steps old the shown observation is (0 = current). */
function lags(seed: number, steps: number, p: number, lastK: number): number[] {
  const raw = rawObservations(seed, steps).map((frame) => JSON.stringify(frame));
  const seen = stickyObservations(p, lastK, seed, steps).map((frame) => JSON.stringify(frame));
  return Array.from({ length: steps }, (_, i) => {
    const t = i + 1;
    const lag = Array.from({ length: lastK + 1 }, (_, back) => back).find((back) => raw[Math.max(0, t - back)] === seen[t]);
    assert.notEqual(lag, undefined, `step ${t} shows an observation older than ${lastK} steps`);
    return lag!;
  });
}

test("StickyObservation repeats one of the last k observations with probability p", () => {
  const steps = 600;
  const observedLags = lags(2, steps, 0.5, 3);
  const stale = observedLags.filter((lag) => lag > 0).length;
  assert.ok(stale > 0.4 * steps && stale < 0.6 * steps, `about half the steps should be stale, got ${stale}/${steps}`);
  assert.deepEqual([...new Set(observedLags)].sort(), [0, 1, 2, 3], "every lag up to lastK should occur");
});

test("StickyObservation draws from the reset seed: same seed replays, another seed differs", () => {
  assert.deepEqual(lags(8, 60, 0.5, 2), lags(8, 60, 0.5, 2));
  assert.notDeepEqual(lags(8, 60, 0.5, 2), lags(9, 60, 0.5, 2));
  const a = rollout(new StickyObservation(new ToyGoalEnv(), 0.3, 2), { env: 4, task: 4 });
  assert.deepEqual(a, rollout(new StickyObservation(new ToyGoalEnv(), 0.3, 2), { env: 4, task: 4 }));
});

test("StickyObservation always shows the current task observation", () => {
  const inner = new ToyGoalEnv();
  const env = new StickyObservation(inner, 1, 2);
  env.seedTask(0);
  env.resetTaskState();
  env.reset({ seed: 0 });
  env.step(actionAt(0));
  env.resetTaskState();
  const [observation] = env.step(actionAt(1));
  assert.deepEqual(observation.taskObs, inner.getTaskObs());
});

for (const p of [-0.1, 1.1, Number.NaN]) {
  test(`StickyObservation rejects p=${p} with a ConfigError`, () => {
    assert.throws(() => new StickyObservation(new ToyGoalEnv(), p, 2), (error: unknown) => error instanceof ConfigError && /in \[0, 1\], got p=/.test(error.message));
  });
}

for (const lastK of [-1, 0, 1.5]) {
  test(`StickyObservation rejects lastK=${lastK} with a ConfigError`, () => {
    assert.throws(() => new StickyObservation(new ToyGoalEnv(), 0.5, lastK), (error: unknown) => error instanceof ConfigError && new RegExp(`got lastK=${lastK}`).test(error.message));
  });
}

test("StickyObservation needs a seeded reset before stepping", () => {
  const env = new StickyObservation(new ToyGoalEnv(), 0.5, 2);
  assert.throws(() => env.reset(), SeedError);
  assert.throws(() => env.step(actionAt(0)), ResetNeededError);
});

test("StickyObservation forwards close()", () => {
  const inner = new ToyGoalEnv();
  new StickyObservation(inner, 0.5, 2).close();
  assert.equal(inner.closeCalls, 1);
});
