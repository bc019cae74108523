import { ArticulatedObject } from "../articulated-object.js";
import { LOCKED_ANGLE, LOCK_NAMES, LOCK_TRAVEL, UNLOCK_SITE_LOCAL, leverAngle, leverPushExpert, safeWorldbody, sampleSafeConfiguration } from "../lock.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { tolerance, type Vec3 } from "../reward-shaping.js";
import type { ManipulationTask } from "../task.js";
import { subtract } from "../vector.js";

/** The goal relative to the lever's pivot (the reference's (0.1, −0.04, 0)). */
const GOAL_FROM_PIVOT: Vec3 = [0.1, -0.04, 0];
/** Success: the observed point's x within 2 cm of the goal's (the reference's). */
const SUCCESS_DISTANCE = 0.02;
/** The reference's "shoulder" offset from the hand, and its per-axis scale. */
const SHOULDER_FROM_HAND: Vec3 = [0, 0.055, 0.07];
const SHOULDER_SCALE: Vec3 = [0.25, 1, 0.5];

/**
 * door-unlock: turn the lock lever on the safe's door up, from pointing at the floor to horizontal.
 *
 * The safe and lever are lock.ts's; the lever starts locked (1.5708 rad, pointing down). The goal
 * is the pivot + (0.1, −0.04, 0); only x counts: success is |observed x − goal x| ≤ 0.02 (lever
 * within ≈ 21° of horizontal). The reference's v2 reward, no success override: 2 · ready + 8 · pushed,
 * where ready = long-tail tolerance of ‖(hand + (0, 0.055, 0.07) − observed point) · (0.25, 1, 0.5)‖
 * within 2 cm, margin ‖(TCP at reset + (0, 0.055, 0.07) − pivot) · (0.25, 1, 0.5)‖ (hand = obs[0:3];
 * the margin's mix of TCP and pivot is the reference's), pushed = long-tail tolerance of |observed x
 * − goal x| within 5 mm, margin 0.1. It ignores the gripper. Diagnostics: near_object = the scaled
 * shoulder distance ≤ 0.05, grasp_success = obs[3] > 0, grasp_reward = ready, in_place_reward =
 * pushed. The hand starts at (0, 0.6, 0.2).
 */
export const doorUnlockTask: ManipulationTask = {
  name: "door-unlock",
  description: "Unlock the safe by pushing the lever on its door up from pointing at the floor until it is level. Each configuration places the safe at random.",
  scene: { name: "door-unlock", worldbody: safeWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) => sampleSafeConfiguration(rng, GOAL_FROM_PIVOT),
  bind(simulation) {
    const lock = new ArticulatedObject(simulation, { ...LOCK_NAMES, handleSite: "lock_tip_unlock" });
    return {
      reset: (configuration) => lock.reset(configuration, LOCKED_ANGLE),
      observeObjects: (out, offset) => lock.observeObjects(out, offset),
      evaluate(observation, _initial, gripper) {
        const point = Observation.object1Position;
        const goal = Observation.goal;
        const shoulderToPoint = scaledShoulderDistance(observation, Observation.hand, observation[point]!, observation[point + 1]!, observation[point + 2]!);
        const shoulderAtResetToPivot = scaledShoulderDistance(
          gripper.initialTcp,
          0,
          observation[goal]! - GOAL_FROM_PIVOT[0],
          observation[goal + 1]! - GOAL_FROM_PIVOT[1],
          observation[goal + 2]! - GOAL_FROM_PIVOT[2],
        );
        const toGoal = Math.abs(observation[goal]! - observation[point]!);
        const ready = tolerance(shoulderToPoint, 0, 0.02, shoulderAtResetToPivot, "long_tail");
        const pushed = tolerance(toGoal, 0, 0.005, LOCK_TRAVEL, "long_tail");
        return {
          reward: 2 * ready + 8 * pushed,
          success: toGoal <= SUCCESS_DISTANCE,
          nearObject: shoulderToPoint <= 0.05 ? 1 : 0,
          graspSuccess: observation[Observation.gripperOpening]! > 0,
          graspReward: ready,
          inPlaceReward: pushed,
          objectToTarget: toGoal,
        };
      },
    };
  },
  // Closed fingers against the hanging lever's −x side, pushing it up round its pivot.
  createExpert: () =>
    leverPushExpert((observation) => {
      const pivot = subtract(goalPosition(observation), GOAL_FROM_PIVOT);
      return { pivot, angle: leverAngle(objectPosition(observation), pivot, UNLOCK_SITE_LOCAL) };
    }, -1, 1),
};

/** ‖(hand + SHOULDER_FROM_HAND − (x, y, z)) · SHOULDER_SCALE‖, the hand read at from[at..at+2]. */
function scaledShoulderDistance(from: ArrayLike<number>, at: number, x: number, y: number, z: number): number {
  return Math.hypot(
    (from[at]! + SHOULDER_FROM_HAND[0] - x) * SHOULDER_SCALE[0],
    (from[at + 1]! + SHOULDER_FROM_HAND[1] - y) * SHOULDER_SCALE[1],
    (from[at + 2]! + SHOULDER_FROM_HAND[2] - z) * SHOULDER_SCALE[2],
  );
}
