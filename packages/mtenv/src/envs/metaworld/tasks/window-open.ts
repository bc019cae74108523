import { ArticulatedObject, handleToGoalEvaluation } from "../articulated-object.js";
import type { Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";
import { WINDOW_NAMES, WINDOW_TRAVEL, windowPushExpert, windowWorldbody } from "../window.js";

const SUCCESS_DISTANCE = 0.05;
const WINDOW_LOW: Vec3 = [-0.1, 0.7, 0.16];
const WINDOW_HIGH: Vec3 = [0.1, 0.9, 0.16];

/**
 * window-open: slide a closed window 0.2 m open (+x) by its handle.
 *
 * Goal: the handle's position with the window fully open. Reward (in [0, 10]): 5 · reach (TCP
 * within 4 cm of the handle, long tail) + 5 · progress (‖handle − goal‖ falling linearly from the
 * start to 5 cm); 10 on success. Success: ‖handle − goal‖ ≤ 0.05.
 */
export const windowOpenTask: ManipulationTask = {
  name: "window-open",
  description: "Open the closed window by sliding it sideways by its handle. Each configuration places the window at random.",
  scene: { name: "window-open", worldbody: windowWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  sampleConfiguration(rng) {
    const handle = uniformIn(rng, WINDOW_LOW, WINDOW_HIGH);
    return { object: handle, goal: [handle[0] + WINDOW_TRAVEL, handle[1], handle[2]] };
  },
  bind(simulation) {
    const window = new ArticulatedObject(simulation, WINDOW_NAMES);
    return {
      reset: (configuration) => window.reset(configuration, 0),
      observeObjects: (out, offset) => window.observeObjects(out, offset),
      evaluate: (observation, initial) => handleToGoalEvaluation(observation, initial, SUCCESS_DISTANCE, 0.04),
    };
  },
  createExpert: () => windowPushExpert(1),
};
