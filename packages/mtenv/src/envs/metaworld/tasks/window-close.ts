import { ArticulatedObject, handleToGoalEvaluation } from "../articulated-object.js";
import type { Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";
import { WINDOW_NAMES, WINDOW_TRAVEL, windowPushExpert, windowWorldbody } from "../window.js";

const SUCCESS_DISTANCE = 0.05;
const WINDOW_LOW: Vec3 = [0, 0.75, 0.15];
const WINDOW_HIGH: Vec3 = [0, 0.9, 0.15];

/**
 * window-close: slide an open window (open 0.2 m) shut (−x) by its handle.
 *
 * The object position is the handle with the window closed, which is also the goal. Reward (in
 * [0, 10]): 5 · reach (TCP within 4 cm of the handle, long tail) + 5 · progress (‖handle − goal‖
 * falling linearly from the start to 5 cm); 10 on success. Success: ‖handle − goal‖ ≤ 0.05.
 */
export const windowCloseTask: ManipulationTask = {
  name: "window-close",
  description: "Close the open window by sliding it sideways by its handle. Each configuration places the window at random.",
  scene: { name: "window-close", worldbody: windowWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  sampleConfiguration(rng) {
    const handle = uniformIn(rng, WINDOW_LOW, WINDOW_HIGH);
    return { object: handle, goal: handle };
  },
  bind(simulation) {
    const window = new ArticulatedObject(simulation, WINDOW_NAMES);
    return {
      reset: (configuration) => window.reset(configuration, WINDOW_TRAVEL),
      observeObjects: (out, offset) => window.observeObjects(out, offset),
      evaluate: (observation, initial) => handleToGoalEvaluation(observation, initial, SUCCESS_DISTANCE, 0.04),
    };
  },
  createExpert: () => windowPushExpert(-1),
};
