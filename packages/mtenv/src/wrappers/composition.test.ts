import assert from "node:assert/strict";
import { test } from "node:test";
import { NTasksId } from "./n-tasks-id.js";
import { NormalizeReward } from "./normalize-reward.js";
import { OneHotTask } from "./one-hot-task.js";
import { RescaleAction } from "./rescale-action.js";
import { SampleRandomTask } from "./sample-random-task.js";
import { ToyGoalEnv, rollout } from "../testing/wrapper-fixture-envs.js";
import { TimeLimit } from "./time-limit.js";

/** The stack of the README's example, over the toy env instead of a registered one. */
function readmeStack(inner = new ToyGoalEnv({ actionLow: -2, actionHigh: 2 })) {
  return new NormalizeReward(new RescaleAction(new SampleRandomTask(new OneHotTask(new NTasksId(new TimeLimit(inner, 5), 10)))));
}

test("the README's wrapper stack: a fresh one-hot task each episode, unit actions, normalised rewards", () => {
  const inner = new ToyGoalEnv({ actionLow: -2, actionHigh: 2 });
  const env = readmeStack(inner);
  env.seedTask(1);
  const [observation] = env.reset({ seed: 0 });
  assert.equal(observation.taskObs.length, 10);
  assert.equal(observation.taskObs.reduce((a, b) => a + b, 0), 1);
  env.step(Float32Array.of(1));
  assert.equal(inner.lastAction![0], 2, "RescaleAction maps 1 onto the env's high bound");
  assert.equal(env.unwrapped, inner);

  const steps = rollout(readmeStack(), { env: 3, task: 3 }, { episodes: 4, steps: 10 });
  assert.deepEqual(steps, rollout(readmeStack(), { env: 3, task: 3 }, { episodes: 4, steps: 10 }));
  assert.equal(steps.filter((step) => step.truncated).length, 4, "TimeLimit inside the stack still ends each episode");
  env.close();
  assert.equal(inner.closeCalls, 1, "close() travels through every layer");
});
