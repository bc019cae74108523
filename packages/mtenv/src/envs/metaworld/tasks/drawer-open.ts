import { ArticulatedObject } from "../articulated-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { Observation, goalPosition, objectPosition, objectToGoalDistance } from "../observation-layout.js";
import { CABINET_HIGH, CABINET_LOW, DRAWER_NAMES, DRAWER_TRAVEL, HANDLE_OFFSET, HANDLE_STANDOFF, drawerWorldbody } from "../drawer.js";
import { distance3, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

const SUCCESS_DISTANCE = 0.03;

/**
 * drawer-open: pull the drawer out by its handle, 0.2 m towards the robot.
 *
 * Goal: the handle's position with the drawer fully out. The reference's v2 reward, 5 · (caging +
 * opening) with no success override: opening = long-tail tolerance of ‖handle − goal‖ within 2 cm,
 * margin the full travel (0.2 m); caging = long-tail tolerance of ‖(handle − hand) · (3, 3, 1)‖
 * within 1 cm, margin the same scaled distance from the TCP at reset to the handle's start. It
 * reads obs[0:3], the hand point 5 cm above the TCP, as the reference reads its hand body; it
 * ignores the gripper action. Success: ‖handle − goal‖ ≤ 0.03.
 */
export const drawerOpenTask: ManipulationTask = {
  name: "drawer-open",
  description: "Open the drawer by pulling its handle until the drawer is all the way out of its cabinet. Each configuration places the cabinet at random.",
  scene: { name: "drawer-open", worldbody: drawerWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
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
      evaluate(observation, initial, gripper) {
        const handle = objectPosition(observation);
        const handleError = objectToGoalDistance(observation);
        const opening = longTailTolerance(handleError, 0.02, DRAWER_TRAVEL);
        const handleStart = objectPosition(initial);
        const scaledGap = (from: ArrayLike<number>, to: Vec3): number => Math.hypot(3 * (to[0] - from[0]!), 3 * (to[1] - from[1]!), to[2] - from[2]!);
        const caging = longTailTolerance(scaledGap(observation.subarray(Observation.hand), handle), 0.01, scaledGap(gripper.initialTcp, handleStart));
        return {
          reward: 5 * (caging + opening),
          success: handleError <= SUCCESS_DISTANCE,
          nearObject: distance3(observation, Observation.hand, observation, Observation.object1Position) <= 0.03 ? 1 : 0,
          graspSuccess: observation[Observation.gripperOpening]! > 0,
          graspReward: caging,
          inPlaceReward: opening,
          objectToTarget: handleError,
        };
      },
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
      const hand = expertTcp(observation);
      const horizontalError = Math.hypot(hand[0] - gap[0], hand[1] - gap[1]);
      if (!hooked && horizontalError < 0.008 && Math.abs(hand[2] - gap[2]) < 0.01) hooked = true;
      if (!hooked) {
        const target: Vec3 = horizontalError > 0.01 ? [gap[0], gap[1], handle[2] + 0.08] : gap;
        moveTowards(observation, target, 1, action);
        return;
      }
      const goal = goalPosition(observation);
      moveTowards(observation, [goal[0], goal[1] + HANDLE_STANDOFF / 2 - 0.01, goal[2]], 1, action);
    },
  };
}
