import { ArticulatedObject } from "../articulated-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { CABINET_HIGH, CABINET_LOW, DRAWER_NAMES, HANDLE_OFFSET, drawerWorldbody } from "../drawer.js";
import { initialTcpDistance, tcpDistance } from "../gripper-caging.js";
import { goalPosition, objectPosition, objectToGoalDistance } from "../observation-layout.js";
import { closingEffort, hamacherProduct, tolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";
import { add } from "../vector.js";

/** The in-place radius of the reward... */
const TARGET_RADIUS = 0.04;
/** ...and the success radius, 1.5 cm looser, as in the reference. */
const SUCCESS_DISTANCE = TARGET_RADIUS + 0.015;
/** How far the drawer starts pulled out (the reference's 0.15 m). */
const START_OPENING = 0.15;
/**
 * The observed point sits this far above the handle, as the reference's does; the goal is the
 * closed handle itself, so even a shut drawer is 5 cm from its goal and success needs the handle
 * within ≈2.3 cm of closed in y.
 */
const OBSERVED_ABOVE_HANDLE: Vec3 = [0, 0, 0.05];

/**
 * drawer-close: push an open drawer (pulled out 0.15 m) shut.
 *
 * The reference's v2 reward, 10 · Hamacher(reach, in-place), 10 on success: in-place = long-tail
 * tolerance of ‖observed point − goal‖ within 4 cm, margin its starting value minus 4 cm; reach
 * = Hamacher(Gaussian tolerance of ‖TCP − observed point‖ within 5 mm, margin its starting value,
 * the commanded closing effort clip(a[3], 0, 1)) — so the reward needs the fingers commanded
 * closed. Success: ‖observed point − goal‖ ≤ 0.055.
 */
export const drawerCloseTask: ManipulationTask = {
  name: "drawer-close",
  description: "Close the open drawer by pushing it back into its cabinet. Each configuration places the cabinet at random.",
  scene: { name: "drawer-close", worldbody: drawerWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    const cabinet = uniformIn(rng, CABINET_LOW, CABINET_HIGH);
    const goal: Vec3 = add(cabinet, HANDLE_OFFSET);
    return { object: cabinet, goal };
  },
  bind(simulation) {
    const drawer = new ArticulatedObject(simulation, DRAWER_NAMES, OBSERVED_ABOVE_HANDLE);
    return {
      reset: (configuration) => drawer.reset(configuration, START_OPENING),
      observeObjects: (out, offset) => drawer.observeObjects(out, offset),
      evaluate(observation, initial, gripper) {
        const point = objectPosition(observation);
        const toGoal = objectToGoalDistance(observation);
        const startToGoal = objectToGoalDistance(initial);
        const inPlace = tolerance(toGoal, 0, TARGET_RADIUS, Math.abs(startToGoal - TARGET_RADIUS), "long_tail");
        const reachRadius = 0.005;
        const tcpToPoint = tcpDistance(gripper, point);
        const startReach = initialTcpDistance(gripper, objectPosition(initial));
        const near = tolerance(tcpToPoint, 0, reachRadius, Math.abs(startReach - reachRadius), "gaussian");
        const reach = hamacherProduct(near, closingEffort(gripper.gripperAction));
        const success = toGoal <= SUCCESS_DISTANCE;
        return {
          reward: success ? 10 : 10 * hamacherProduct(reach, inPlace),
          success,
          nearObject: tcpToPoint <= 0.01 ? 1 : 0,
          graspSuccess: true,
          graspReward: reach,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    };
  },
  createExpert: drawerPushExpert,
};

/**
 * Put the closed fingers just ahead of the observed point (5 cm above the handle bar, where the
 * reward wants the TCP), then push the drawer's face from there past the goal.
 */
function drawerPushExpert(): ExpertPolicy {
  let placed = false;
  return {
    act(observation, action) {
      const point = objectPosition(observation);
      const ahead: Vec3 = [point[0], point[1] + 0.03, point[2]];
      const tcp = expertTcp(observation);
      if (!placed && Math.hypot(tcp[0] - ahead[0], tcp[1] - ahead[1], tcp[2] - ahead[2]) < 0.01) placed = true;
      if (!placed) {
        moveTowards(observation, ahead, 1, action);
        return;
      }
      const goal = goalPosition(observation);
      moveTowards(observation, [goal[0], goal[1] + 0.05, point[2]], 1, action);
    },
  };
}
