import { ArticulatedObject } from "../articulated-object.js";
import type { Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";
import { WINDOW_NAMES, WINDOW_TARGET_RADIUS, WINDOW_TRAVEL, windowEvaluation, windowPushExpert, windowWorldbody } from "../window.js";

const WINDOW_LOW: Vec3 = [0, 0.75, 0.15];
const WINDOW_HIGH: Vec3 = [0, 0.9, 0.15];

/**
 * window-close: slide an open window (open 0.2 m) shut (−x) by its handle.
 *
 * The object position is the handle with the window closed, which is also the goal. Reward and
 * success: windowEvaluation in window.ts (the reference's, with a Gaussian reach term); the hand
 * starts at y 0.4 as in the reference.
 */
export const windowCloseTask: ManipulationTask = {
  name: "window-close",
  description: "Close the open window by sliding it sideways by its handle. Each configuration places the window at random.",
  scene: { name: "window-close", worldbody: windowWorldbody() },
  successThreshold: WINDOW_TARGET_RADIUS,
  handStart: [0, 0.4, 0.2],
  sampleConfiguration(rng) {
    const handle = uniformIn(rng, WINDOW_LOW, WINDOW_HIGH);
    return { object: handle, goal: handle };
  },
  bind(simulation) {
    const window = new ArticulatedObject(simulation, WINDOW_NAMES);
    return {
      reset: (configuration) => window.reset(configuration, WINDOW_TRAVEL),
      observeObjects: (out, offset) => window.observeObjects(out, offset),
      evaluate: (observation, initial, gripper) => windowEvaluation(observation, initial, gripper, "gaussian"),
    };
  },
  createExpert: () => windowPushExpert(-1),
};
