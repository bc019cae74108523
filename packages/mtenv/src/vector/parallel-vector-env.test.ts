import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ClosedEnvironmentError, ConfigError, InvalidActionError, UnregisteredEnvError, VectorEnvError } from "../core/errors.js";
import { AutoresetMode } from "./autoreset-mode.js";
import { DataCloneError } from "./clone.js";
import { ParallelVectorEnv } from "./parallel-vector-env.js";
import { SyncVectorEnv } from "./sync-vector-env.js";
import { TEST_ENV_ID, TEST_ENV_MODULE } from "../testing/vector-fixture-env.js";
import { recordRollout } from "../testing/record-rollout.js";
import type { VectorEnvSpec } from "./types.js";

// Worker threads only know the environments of the modules they import.
const imports = [TEST_ENV_MODULE];
const specs = (count: number, kwargs: Record<string, unknown> = {}): VectorEnvSpec[] =>
  Array.from({ length: count }, (_, i) => ({ id: TEST_ENV_ID, kwargs, taskSeed: 7 * i, taskState: [0.8 - i / count, i / (2 * count)] }));

const opened: ParallelVectorEnv[] = [];
async function parallel(...args: Parameters<typeof ParallelVectorEnv.create>): Promise<ParallelVectorEnv> {
  const env = await ParallelVectorEnv.create(...args);
  opened.push(env);
  return env;
}
after(() => Promise.all(opened.map((env) => env.close())));

// 7 envs over this thread plus 2 or 1 workers: uneven shares, and every thread steps some envs.
for (const [mode, numWorkers] of [
  [AutoresetMode.SameStep, 2],
  [AutoresetMode.NextStep, 1],
] as const) {
  test(`sync and parallel give bit-identical observations, rewards, flags and infos over 400 steps with autoresets (${mode})`, async () => {
    const vector = await parallel(specs(7), { autoresetMode: mode, imports, numWorkers });
    assert.equal(vector.numWorkers, numWorkers);
    const sync = new SyncVectorEnv(specs(7), { autoresetMode: mode });
    const expected = recordRollout(sync, 123, 400);
    const actual = recordRollout(vector, 123, 400);
    assert.ok(expected.episodesEnded > 50, `the rollout should cross many episode ends, got ${expected.episodesEnded}`);
    for (const key of ["envObs", "taskObs", "rewards", "terminated", "truncated", "infos"] as const) {
      assert.deepEqual(actual[key], expected[key], `${key} differ`);
    }
    await sync.close();
  });
}

test("discrete actions and a different seed also match, with every env in a worker (useMainThread: false)", async () => {
  const vector = await parallel(specs(4, { discrete: true }), { imports, numWorkers: 2, useMainThread: false });
  const sync = new SyncVectorEnv(specs(4, { discrete: true }));
  assert.deepEqual(recordRollout(vector, 9, 200), recordRollout(sync, 9, 200));
  assert.deepEqual(vector.call("getTaskState"), sync.call("getTaskState"));
  assert.ok(vector.singleActionSpace.equals(sync.singleActionSpace));
  assert.ok(vector.observationSpace.equals(sync.observationSpace));
  await sync.close();
});

test("a bad action in a worker surfaces as the env's InvalidActionError with its message; close() then stops every worker", async () => {
  const vector = await parallel(specs(4), { imports, numWorkers: 2 });
  assert.equal(vector.liveWorkers, 2);
  vector.reset({ seed: 0 });
  const actions = new Float32Array(8);
  actions[7] = Number.NaN; // env 3 lives in worker 1
  assert.throws(
    () => vector.step(actions),
    (error: unknown) =>
      error instanceof InvalidActionError &&
      error.message.startsWith("TestWalkEnv: invalid action: element 1 is NaN") &&
      error.message.includes("[vector env: environment 3]") &&
      (error as { envIndex?: number }).envIndex === 3 &&
      /worker thread 1/.test(error.stack ?? ""),
  );
  actions[7] = 0;
  vector.reset({ seed: 0 });
  assert.equal(vector.step(actions).rewards.length, 4, "the vector env stays usable after an env's error");
  // Values that cannot cross threads are refused with a typed error, in either direction.
  assert.throws(() => vector.call("setTaskState", () => 0), (error: unknown) => error instanceof DataCloneError && /call\(\) arguments/.test(error.message));
  for (const useMainThread of [true, false]) {
    // Same class and message whether the env ran in this thread or in a worker.
    const target = useMainThread ? vector : await parallel(specs(2), { imports, numWorkers: 1, useMainThread });
    assert.throws(
      () => target.call("makeCallback"),
      (error: unknown) => error instanceof DataCloneError && /^a call\(\) result cannot be sent between threads/.test(error.message),
    );
  }
  assert.equal(vector.step(actions).rewards.length, 4, "and the workers keep serving");
  await vector.close();
  assert.equal(vector.liveWorkers, 0);
  assert.throws(() => vector.step(actions), ClosedEnvironmentError);
  await vector.close();
});

test("construction errors in a worker arrive typed: unknown id (with a suggestion) and invalid kwargs", async () => {
  await assert.rejects(
    ParallelVectorEnv.create([{ id: "MT-VectorTestWalk-v0" }, { id: "MT-VectorTestWalc-v0" }], { imports, numWorkers: 1 }),
    (error: unknown) => error instanceof UnregisteredEnvError && error.message.includes("Did you mean: MT-VectorTestWalk-v0"),
  );
  await assert.rejects(
    ParallelVectorEnv.create(specs(2, { discrete: "yes" }), { imports, numWorkers: 1, useMainThread: false }),
    (error: unknown) => error instanceof ConfigError && error.message.includes("kwargs.discrete"),
  );
  await assert.rejects(ParallelVectorEnv.create(specs(2), { imports: ["./relative.js"] }), ConfigError);
});

test("a worker that does not answer in time raises a VectorEnvError with diagnostics instead of hanging", async () => {
  const vector = await parallel(specs(2, { sleepOnStepMs: 5_000 }), { imports, numWorkers: 1, useMainThread: false, timeoutMs: 300 });
  vector.reset({ seed: 0 });
  const started = performance.now();
  assert.throws(
    () => vector.step(new Float32Array(4)),
    (error: unknown) => error instanceof VectorEnvError && /worker 0 \(environments 0–1\) did not finish step\(\).*within 300 ms/.test(error.message),
  );
  assert.ok(performance.now() - started < 2_000, "the timeout fires long before the env wakes up");
  assert.throws(() => vector.reset(), VectorEnvError, "a timed-out vector env refuses further work");
  await vector.close();
  assert.equal(vector.liveWorkers, 0, "close() terminates even a busy worker");
});

test("a worker whose env ends the thread (process.exit) is reported at once, not after the timeout", async () => {
  const vector = await parallel(specs(2, { exitOnStep: true }), { imports, numWorkers: 1, useMainThread: false, timeoutMs: 30_000 });
  vector.reset({ seed: 0 });
  const started = performance.now();
  assert.throws(() => vector.step(new Float32Array(4)), (error: unknown) => error instanceof VectorEnvError && /worker 0 \(environments 0–1\) exited during step\(\)/.test(error.message));
  assert.ok(performance.now() - started < 5_000);
  await vector.close();
  assert.equal(vector.liveWorkers, 0);
});
