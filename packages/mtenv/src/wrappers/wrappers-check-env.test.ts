import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEnv, formatCheckReport } from "../checker/check-env.js";
import type { AnyMTEnv } from "../core/types.js";
import { FrameStack } from "./frame-stack.js";
import { MultiEnv } from "./multi-env.js";
import { NTasks } from "./n-tasks.js";
import { NTasksId } from "./n-tasks-id.js";
import { NormalizeReward } from "./normalize-reward.js";
import { OneHotTask } from "./one-hot-task.js";
import { RescaleAction } from "./rescale-action.js";
import { SampleRandomTask } from "./sample-random-task.js";
import { StickyObservation } from "./sticky-observation.js";
import { ToyGoalEnv, ToySingleTaskEnv } from "../testing/wrapper-fixture-envs.js";
import { TimeLimit } from "./time-limit.js";

/** The toy env with short episodes, so the checks also cross episode boundaries. */
const toy = () => new TimeLimit(new ToyGoalEnv({ actionLow: -2, actionHigh: 3 }), 20);

/**
 * Each stack, and the one check it is expected to fail with the reason. The "task state round
 * trip" check sets a task state and expects the same dynamics again, also on a fresh instance
 * seeded with another task seed; three wrappers break that assumption on purpose.
 */
const stacks: Array<[string, () => AnyMTEnv, string | undefined]> = [
  ["TimeLimit", toy, undefined],
  ["NTasks", () => new NTasks(toy(), 5), undefined],
  ["MultiEnv", () => new TimeLimit(new MultiEnv([0.5, 1, 1.5].map((speed) => () => new ToySingleTaskEnv(speed)), 0), 20), undefined],
  ["RescaleAction", () => new RescaleAction(toy()), undefined],
  ["FrameStack", () => new FrameStack(toy(), 3), undefined],
  ["StickyObservation", () => new StickyObservation(toy(), 0.3, 2), undefined],
  // Its whole point is to replace the task at every reset, so a task set before reset is gone.
  ["SampleRandomTask", () => new SampleRandomTask(toy()), "task state round trip"],
  // The reward statistics belong to the wrapper and keep adapting across episodes.
  ["NormalizeReward", () => new NormalizeReward(toy(), { alpha: 0.01 }), "task state round trip"],
  // An id only means something relative to the task list drawn under the task seed.
  ["NTasksId", () => new NTasksId(toy(), 5), "task state round trip"],
  ["OneHotTask(NTasksId)", () => new OneHotTask(new NTasksId(toy(), 5)), "task state round trip"],
];

for (const [name, make, expectedFailure] of stacks) {
  const title = expectedFailure === undefined ? "passes every checkEnv check" : `passes every checkEnv check but "${expectedFailure}" (by design)`;
  test(`${name} over the toy env ${title}`, () => {
    const report = checkEnv(make, { rolloutSteps: 60, compareSteps: 30 });
    const failed = report.results.filter((result) => !result.passed).map((result) => result.name);
    assert.deepEqual(failed, expectedFailure === undefined ? [] : [expectedFailure], `\n${formatCheckReport(report)}`);
  });
}
