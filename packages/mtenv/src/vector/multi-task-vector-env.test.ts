import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../core/errors.js";
import { PENDULUM_DEFAULT_TASKS } from "../envs/classic/pendulum.js";
import { AutoresetMode } from "./autoreset-mode.js";
import { makeMultiTaskVectorEnv } from "./multi-task-vector-env.js";
import { TEST_ENV_ID, TEST_ENV_MODULE } from "../testing/vector-fixture-env.js";
import { recordRollout } from "../testing/record-rollout.js";

test("MT-CartPole with numTasks: env i runs sampled task i, and its taskObs row is that task", async () => {
  const vector = await makeMultiTaskVectorEnv({ id: "MT-CartPole-v0", numTasks: 4, seed: 3 });
  const tasks = vector.call("getTaskState") as number[][];
  assert.equal(tasks.length, 4);
  assert.equal(new Set(tasks.map((task) => task.join())).size, 4, "four different tasks");
  const { taskObs } = vector.reset({ seed: 0 });
  tasks.forEach((task, i) => assert.deepEqual(taskObs.subarray(i * 5, i * 5 + 5), Float32Array.from(task)));
  const again = await makeMultiTaskVectorEnv({ id: "MT-CartPole-v0", numTasks: 4, seed: 3 });
  assert.deepEqual(again.call("getTaskState"), tasks, "the same seed samples the same tasks");
  await Promise.all([vector.close(), again.close()]);
});

test("explicit JSON task states in worker threads: env i gets taskStates[i] after seedTask(seed + i); a user env arrives through imports", async () => {
  const taskStates = [
    [0.1, 0.2],
    [-0.3, 0.4],
    [0.5, -0.6],
  ];
  const options = { id: TEST_ENV_ID, taskStates, seed: 1, imports: [TEST_ENV_MODULE] };
  const vector = await makeMultiTaskVectorEnv({ ...options, mode: "parallel", parallel: { numWorkers: 1 } });
  assert.deepEqual(vector.call("getTaskState"), taskStates);
  // The task streams are seeded: sampling gives reproducible, per-env different draws.
  const sampled = vector.call("sampleTaskState") as number[][];
  assert.notDeepEqual(sampled[0], sampled[1]);
  assert.deepEqual((await makeMultiTaskVectorEnv({ ...options, mode: "sync" })).call("sampleTaskState"), sampled);
  await vector.close();
});

test("an env with a finite task set runs all of its tasks by default (MT-Pendulum), or the first numTasks", async () => {
  const all = await makeMultiTaskVectorEnv({ id: "MT-Pendulum-v0", seed: 0 });
  assert.equal(all.numEnvs, PENDULUM_DEFAULT_TASKS.length);
  assert.deepEqual(all.call("getTaskState"), PENDULUM_DEFAULT_TASKS);
  const two = await makeMultiTaskVectorEnv({ id: "MT-Pendulum-v0", numTasks: 2, seed: 0 });
  assert.deepEqual(two.call("getTaskState"), PENDULUM_DEFAULT_TASKS.slice(0, 2));
  await assert.rejects(makeMultiTaskVectorEnv({ id: "MT-Pendulum-v0", numTasks: 99, seed: 0 }), /has \d+ tasks, but numTasks is 99/);
  await Promise.all([all.close(), two.close()]);
});

test("option errors name the fix", async () => {
  await assert.rejects(makeMultiTaskVectorEnv({ id: TEST_ENV_ID, seed: 0 }), (error: unknown) => error instanceof ConfigError && /numTasks/.test(error.message));
  await assert.rejects(makeMultiTaskVectorEnv({ id: TEST_ENV_ID, seed: 0, numTasks: 2, taskStates: [[0, 0]] }), ConfigError);
  await assert.rejects(makeMultiTaskVectorEnv({ id: TEST_ENV_ID, seed: 0, numTasks: 0 }), ConfigError);
  await assert.rejects(makeMultiTaskVectorEnv({ id: TEST_ENV_ID, seed: 0, taskStates: [() => 0] }), /cannot be sent to a worker/);
  await assert.rejects(makeMultiTaskVectorEnv({ id: TEST_ENV_ID, seed: 0, numTasks: 2, mode: "threads" as "sync" }), ConfigError);
});

test("MT-CartPole-v0: the sync and parallel multi-task vector envs agree bit for bit over 300 steps (SameStep)", async () => {
  const options = { id: "MT-CartPole-v0", numTasks: 4, seed: 21, autoresetMode: AutoresetMode.SameStep, maxEpisodeSteps: 60 } as const;
  const sync = await makeMultiTaskVectorEnv({ ...options, mode: "sync" });
  const parallel = await makeMultiTaskVectorEnv({ ...options, mode: "parallel", parallel: { numWorkers: 1 } });
  const expected = recordRollout(sync, 5, 300);
  assert.ok(expected.episodesEnded >= 4 * 4, `episodes should end several times, got ${expected.episodesEnded}`);
  assert.deepEqual(recordRollout(parallel, 5, 300), expected);
  await Promise.all([sync.close(), parallel.close()]);
});
