import { ArticulatedObject } from "../articulated-object.js";
import type { Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";
import { WINDOW_NAMES, WINDOW_TARGET_RADIUS, WINDOW_TRAVEL, windowEvaluation, windowPushExpert, windowWorldbody } from "../window.js";

const WINDOW_LOW: Vec3 = [-0.1, 0.7, 0.16];
const WINDOW_HIGH: Vec3 = [0.1, 0.9, 0.16];

/**
 * window-open: slide a closed window 0.2 m open (+x) by its handle.
 *
 * Goal: the handle's position with the window fully open. Reward and success: windowEvaluation
 * in window.ts (the reference's, with a long-tail reach term); the hand starts at y 0.4 as in the
 * reference.
 */
export const windowOpenTask: ManipulationTask = {
  name: "window-open",
  description: "Open the closed window by sliding it sideways by its handle. Each configuration places the window at random.",
  scene: { name: "window-open", worldbody: windowWorldbody() },
  successThreshold: WINDOW_TARGET_RADIUS,
  handStart: [0, 0.4, 0.2],
  sampleConfiguration(rng) {
    const handle = uniformIn(rng, WINDOW_LOW, WINDOW_HIGH);
    return { object: handle, goal: [handle[0] + WINDOW_TRAVEL, handle[1], handle[2]] };
  },
  bind(simulation) {
    const window = new ArticulatedObject(simulation, WINDOW_NAMES);
    return {
      reset: (configuration) => window.reset(configuration, 0),
      observeObjects: (out, offset) => window.observeObjects(out, offset),
      evaluate: (observation, initial, gripper) => windowEvaluation(observation, initial, gripper, "long_tail"),
    };
  },
  createExpert: () => windowPushExpert(1),
};
