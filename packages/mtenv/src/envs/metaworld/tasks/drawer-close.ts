import { ArticulatedObject, handleToGoalEvaluation } from "../articulated-object.js";
import { moveTowards } from "../block-object.js";
import { CABINET_HIGH, CABINET_LOW, DRAWER_NAMES, DRAWER_TRAVEL, HANDLE_OFFSET, drawerWorldbody } from "../drawer.js";
import type { Vec3 } from "../reward-shaping.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

const SUCCESS_DISTANCE = 0.055;

/**
 * drawer-close: push an open drawer (pulled out 0.2 m) shut.
 *
 * Goal: the handle's position with the drawer closed. Reward (in [0, 10]): 5 · reach (TCP within
 * 4 cm of the handle, long tail) + 5 · progress (‖handle − goal‖ falling linearly from the start
 * to 5.5 cm); 10 on success. Success: ‖handle − goal‖ ≤ 0.055.
 */
export const drawerCloseTask: ManipulationTask = {
  name: "drawer-close",
  description: "Close the open drawer by pushing it back into its cabinet. Each configuration places the cabinet at random.",
  scene: { name: "drawer-close", worldbody: drawerWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  sampleConfiguration(rng) {
    const cabinet = uniformIn(rng, CABINET_LOW, CABINET_HIGH);
    const goal: Vec3 = [cabinet[0] + HANDLE_OFFSET[0], cabinet[1] + HANDLE_OFFSET[1], cabinet[2] + HANDLE_OFFSET[2]];
    return { object: cabinet, goal };
  },
  bind(simulation) {
    const drawer = new ArticulatedObject(simulation, DRAWER_NAMES);
    return {
      reset: (configuration) => drawer.reset(configuration, DRAWER_TRAVEL),
      observeObjects: (out, offset) => drawer.observeObjects(out, offset),
      evaluate: (observation, initial) => handleToGoalEvaluation(observation, initial, SUCCESS_DISTANCE, 0.04),
    };
  },
  createExpert: drawerPushExpert,
};

/** Come down in front of the handle bar with the fingers closed, then push it towards the goal. */
function drawerPushExpert(): ExpertPolicy {
  let lowered = false;
  return {
    act(observation, action) {
      const handle: Vec3 = [observation[4]!, observation[5]!, observation[6]!];
      const front: Vec3 = [handle[0], handle[1] - 0.04, handle[2]];
      const hand: Vec3 = [observation[0]!, observation[1]!, observation[2]!];
      if (!lowered && Math.hypot(hand[0] - front[0], hand[1] - front[1]) < 0.01 && Math.abs(hand[2] - front[2]) < 0.015) lowered = true;
      if (!lowered) {
        const horizontalError = Math.hypot(hand[0] - front[0], hand[1] - front[1]);
        moveTowards(observation, horizontalError > 0.015 ? [front[0], front[1], handle[2] + 0.06] : front, 1, action);
        return;
      }
      moveTowards(observation, [observation[36]!, observation[37]! + 0.02, observation[38]!], 1, action);
    },
  };
}
