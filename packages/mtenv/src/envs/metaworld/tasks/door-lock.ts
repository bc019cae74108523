import { ArticulatedObject } from "../articulated-object.js";
import { LOCK_NAMES, LOCK_SITE_LOCAL, LOCK_TRAVEL, leverAngle, leverPushExpert, safeWorldbody, sampleSafeConfiguration } from "../lock.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { hamacherProduct, tolerance, type Vec3 } from "../reward-shaping.js";
import type { ManipulationTask } from "../task.js";
import { subtract } from "../vector.js";

/** The goal relative to the lever's pivot (the reference's (0, −0.04, −0.1)). */
const GOAL_FROM_PIVOT: Vec3 = [0, -0.04, -0.1];
/** Success: the observed point's height within 2 cm of the goal's (the reference's). */
const SUCCESS_DISTANCE = 0.02;
/** The reference scales the pad-to-lock offset per axis before measuring it. */
const NEAR_SCALE: Vec3 = [0.25, 1, 0.5];

/**
 * door-lock: turn the lock lever on the safe's door down, from horizontal to pointing at the floor.
 *
 * The safe and lever are lock.ts's; the lever starts at 0 (horizontal). The goal is the pivot +
 * (0, −0.04, −0.1); only heights count: success is |observed z − goal z| ≤ 0.02 (lever turned ≳ 68°).
 * The reference's v2 reward, no success override: 2 · Hamacher(max(obs[3], 0), near) + 8 · pressed,
 * where near = long-tail tolerance of ‖(observed point − +y pad) · (0.25, 1, 0.5)‖ within 1 cm,
 * margin ‖(observed point − +y pad at reset) · (0.25, 1, 0.5)‖, the pad being the reference's left
 * pad's centre of mass, at the pad's y but the hand's height (ours: the TCP's x, the pad's y,
 * obs[2]); pressed = long-tail tolerance of |observed z − goal z| within 5 mm, margin 0.1. So it
 * favours an open gripper (observed opening) and ignores the commanded action. Diagnostics:
 * near_object = scaled distance ≤ 0.05, grasp_success = obs[3] > 0, grasp_reward = near,
 * in_place_reward = pressed. The hand starts at (0, 0.6, 0.2).
 */
export const doorLockTask: ManipulationTask = {
  name: "door-lock",
  description: "Lock the safe by pushing the lever on its door down until it points at the floor. Each configuration places the safe at random.",
  scene: { name: "door-lock", worldbody: safeWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) => sampleSafeConfiguration(rng, GOAL_FROM_PIVOT),
  bind(simulation) {
    const lock = new ArticulatedObject(simulation, { ...LOCK_NAMES, handleSite: "lock_tip_lock" });
    return {
      reset: (configuration) => lock.reset(configuration, 0),
      observeObjects: (out, offset) => lock.observeObjects(out, offset),
      evaluate(observation, initial, gripper) {
        const point = Observation.object1Position;
        const handZ = Observation.hand + 2;
        const padToPoint = scaledPadDistance(observation, point, gripper.tcp[0]!, gripper.padHighY, observation[handZ]!);
        const padAtResetToPoint = scaledPadDistance(observation, point, gripper.initialTcp[0]!, gripper.initialPadHighY, initial[handZ]!);
        const toGoal = Math.abs(observation[Observation.goal + 2]! - observation[point + 2]!);
        const opening = observation[Observation.gripperOpening]!;
        const near = tolerance(padToPoint, 0, 0.01, padAtResetToPoint, "long_tail");
        const pressed = tolerance(toGoal, 0, 0.005, LOCK_TRAVEL, "long_tail");
        return {
          reward: 2 * hamacherProduct(Math.max(opening, 0), near) + 8 * pressed,
          success: toGoal <= SUCCESS_DISTANCE,
          nearObject: padToPoint <= 0.05 ? 1 : 0,
          graspSuccess: opening > 0,
          graspReward: near,
          inPlaceReward: pressed,
          objectToTarget: toGoal,
        };
      },
    };
  },
  // The open gripper's +y pad on top of the lever, pushing it down round its pivot.
  createExpert: () =>
    leverPushExpert((observation) => {
      const pivot = subtract(goalPosition(observation), GOAL_FROM_PIVOT);
      return { pivot, angle: leverAngle(objectPosition(observation), pivot, LOCK_SITE_LOCAL) };
    }, 1, -1),
};

/**
 * ‖(observed point − pad) · NEAR_SCALE‖ for the +y pad (the point read in place from the observation). The reference reads its left pad body's centre of
 * mass, which sits at the pad's y but at its hand's height (4.5 cm above the TCP): ours is the
 * TCP's x, the pad's y and the hand's (mocap point's) height.
 */
function scaledPadDistance(observation: Float32Array, point: number, padX: number, padY: number, padZ: number): number {
  return Math.hypot(
    (observation[point]! - padX) * NEAR_SCALE[0],
    (observation[point + 1]! - padY) * NEAR_SCALE[1],
    (observation[point + 2]! - padZ) * NEAR_SCALE[2],
  );
}
