import { ArticulatedObject, handleToGoalEvaluation } from "../articulated-object.js";
import { moveTowards } from "../block-object.js";
import { CABINET_HIGH, CABINET_LOW, DRAWER_NAMES, DRAWER_TRAVEL, HANDLE_OFFSET, HANDLE_STANDOFF, drawerWorldbody } from "../drawer.js";
import type { Vec3 } from "../reward-shaping.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

const SUCCESS_DISTANCE = 0.03;

/**
 * drawer-open: pull the drawer out by its handle, 0.2 m towards the robot.
 *
 * Goal: the handle's position with the drawer fully out. Reward (in [0, 10]): 5 · reach (TCP
 * within 4 cm of the handle, long tail) + 5 · progress (‖handle − goal‖ falling linearly from the
 * start to 3 cm); 10 on success. Success: ‖handle − goal‖ ≤ 0.03.
 */
export const drawerOpenTask: ManipulationTask = {
  name: "drawer-open",
  description: "Open the drawer by pulling its handle until the drawer is all the way out of its cabinet. Each configuration places the cabinet at random.",
  scene: { name: "drawer-open", worldbody: drawerWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  sampleConfiguration(rng) {
    const cabinet = uniformIn(rng, CABINET_LOW, CABINET_HIGH);
    const goal: Vec3 = [cabinet[0] + HANDLE_OFFSET[0], cabinet[1] + HANDLE_OFFSET[1] - DRAWER_TRAVEL, cabinet[2] + HANDLE_OFFSET[2]];
    return { object: cabinet, goal };
  },
  bind(simulation) {
    const drawer = new ArticulatedObject(simulation, DRAWER_NAMES);
    return {
      reset: (configuration) => drawer.reset(configuration, 0),
      observeObjects: (out, offset) => drawer.observeObjects(out, offset),
      evaluate: (observation, initial) => handleToGoalEvaluation(observation, initial, SUCCESS_DISTANCE, 0.04),
    };
  },
  createExpert: drawerHookExpert,
};

/**
 * Hover above the gap between the handle bar and the drawer face, lower the closed fingers into
 * it, then pull towards the goal: the pads drag the bar from behind.
 */
function drawerHookExpert(): ExpertPolicy {
  let hooked = false;
  return {
    act(observation, action) {
      const handle: Vec3 = [observation[4]!, observation[5]!, observation[6]!];
      const gap: Vec3 = [handle[0], handle[1] + HANDLE_STANDOFF / 2 + 0.004, handle[2]];
      const hand: Vec3 = [observation[0]!, observation[1]!, observation[2]!];
      const horizontalError = Math.hypot(hand[0] - gap[0], hand[1] - gap[1]);
      if (!hooked && horizontalError < 0.008 && Math.abs(hand[2] - gap[2]) < 0.01) hooked = true;
      if (!hooked) {
        const target: Vec3 = horizontalError > 0.01 ? [gap[0], gap[1], handle[2] + 0.08] : gap;
        moveTowards(observation, target, 1, action);
        return;
      }
      moveTowards(observation, [observation[36]!, observation[37]! + HANDLE_STANDOFF / 2 - 0.01, observation[38]!], 1, action);
    },
  };
}
