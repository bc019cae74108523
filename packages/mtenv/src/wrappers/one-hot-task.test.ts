import assert from "node:assert/strict";
import { test } from "node:test";
import { SpaceMismatchError } from "../core/errors.js";
import { Box } from "../spaces/box.js";
import { NTasksId } from "./n-tasks-id.js";
import { OneHotTask } from "./one-hot-task.js";
import { SampleRandomTask } from "./sample-random-task.js";
import { ToyChoiceEnv, ToyGoalEnv, assertObservationInSpace, rollout } from "../testing/wrapper-fixture-envs.js";

for (const n of [1, 10, 100]) {
  test(`OneHotTask over NTasksId(n=${n}): taskObs is a one-hot Float32Array in Box(0, 1, [${n}])`, () => {
    const ids = new NTasksId(new ToyGoalEnv(), n);
    const env = new OneHotTask(ids);
    assert.ok(env.observationSpace.spaces.taskObs.equals(new Box(0, 1, { shape: [n] })));
    assert.equal(env.n, n);
    env.seedTask(1);
    for (let episode = 0; episode < 10; episode++) {
      env.resetTaskState();
      const [observation] = env.reset({ seed: episode });
      assertObservationInSpace(env, observation);
      const oneHot = observation.taskObs;
      assert.ok(oneHot instanceof Float32Array);
      assert.equal(oneHot.reduce((a, b) => a + b, 0), 1);
      assert.equal(oneHot[ids.getTaskState()], 1);
      const [next] = env.step(env.actionSpace.sample());
      assert.deepEqual(next.taskObs, oneHot);
    }
  });
}

test("OneHotTask counts from the Discrete space's start", () => {
  const inner = new ToyChoiceEnv(); // taskObs Discrete(4, start 1)
  const env = new OneHotTask(inner);
  env.setTaskState(1);
  assert.deepEqual(Array.from(env.getTaskObs()), [1, 0, 0, 0]);
  env.setTaskState(4);
  assert.deepEqual(Array.from(env.getTaskObs()), [0, 0, 0, 1]);
  assert.equal(env.getTaskState(), 4, "task states pass through unchanged");
});

test("OneHotTask refuses a non-Discrete task observation space with SpaceMismatchError", () => {
  assert.throws(
    () => new OneHotTask(new ToyGoalEnv() as never),
    (error: unknown) => error instanceof SpaceMismatchError && /expected the wrapped env's taskObs space to be Discrete, got .*box/.test(error.message),
  );
});

test("OneHotTask reports an inner task observation outside its own space", () => {
  const inner = new ToyChoiceEnv();
  const env = new OneHotTask(inner);
  inner.setTaskState(9);
  assert.throws(() => env.getTaskObs(), (error: unknown) => error instanceof SpaceMismatchError && /got 9/.test(error.message));
});

test("OneHotTask: same seeds give identical rollouts; unwrapped and close() reach the inner env", () => {
  const make = () => new SampleRandomTask(new OneHotTask(new NTasksId(new ToyGoalEnv(), 6)));
  const a = rollout(make(), { env: 3, task: 3 });
  assert.deepEqual(a, rollout(make(), { env: 3, task: 3 }));
  assert.notDeepEqual(a, rollout(make(), { env: 3, task: 4 }));

  const inner = new ToyGoalEnv();
  const stack = new SampleRandomTask(new OneHotTask(new NTasksId(inner, 2)));
  assert.equal(stack.unwrapped, inner);
  stack.close();
  assert.equal(inner.closeCalls, 1);
});
