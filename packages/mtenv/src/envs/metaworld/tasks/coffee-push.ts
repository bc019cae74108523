import { add } from "../vector.js";
import type { Vec3 } from "../reward-shaping.js";
import type { ManipulationTask } from "../task.js";
import { mugTask } from "./coffee-pull.js";

/** The machine stands this far behind (+y) the goal, the mug's place under its spout. */
const MACHINE_BEHIND_GOAL: Vec3 = [0, 0.22, 0];

/**
 * coffee-push: push the mug over the table to its place under the coffee machine's spout.
 *
 * The mug starts in front (x ±0.1, y 0.55–0.65), the goal under the spout (x ±0.05, y 0.7–0.75;
 * the machine 0.22 m behind it), redrawn until ≥ 15 cm apart in xy. Reward, success, info, hand
 * start and differences as coffee-pull's (the reference shares the reward function between the two).
 */
export const coffeePushTask: ManipulationTask = mugTask({
  name: "coffee-push",
  description: "Push the mug across the table until it stands under the coffee machine's spout. Each configuration places the mug and the machine at random.",
  mugRange: [[-0.1, 0.55, -0.001], [0.1, 0.65, 0.001]],
  goalRange: [[-0.05, 0.7, -0.001], [0.05, 0.75, 0.001]],
  machineOf: (configuration) => add(configuration.goal, MACHINE_BEHIND_GOAL),
});
