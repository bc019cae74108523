import { ArticulatedObject } from "../articulated-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { DOOR_HIGH, DOOR_LOW, DOOR_NAMES, HANDLE_LOCAL, OPEN_ANGLE, doorWorldbody, hingeAngle } from "../door.js";
import { tcpDistance } from "../gripper-caging.js";
import { goalPosition, objectPosition, objectToGoalDistance } from "../observation-layout.js";
import { tolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";
import { add, rotateZ, subtract } from "../vector.js";

/** The reward's in-place radius, where it jumps to 10... */
const TARGET_RADIUS = 0.05;
/** ...and the looser success radius, as in the reference. */
const SUCCESS_DISTANCE = 0.08;
/**
 * The hand starts far to the hinge's side of the door: the reference's (−0.5, 0.6, 0.2) mirrored
 * in x, because our door is the mirror image of its door (hinge on the right, handle on the left).
 */
const HAND_START: Vec3 = [0.5, 0.6, 0.2];
/** Where the closed fingers push: just outside the handle bar, away from the leaf. */
const PUSH_LOCAL: Vec3 = [HANDLE_LOCAL[0], HANDLE_LOCAL[1] - 0.025, 0];

/**
 * door-close: swing a door that stands a quarter turn open back shut.
 *
 * Same door as door-open; the goal is the handle's position with the door shut. The reference's
 * v2 reward, 3 · hand-in-place + 6 · in-place, 10 once the handle is within 5 cm of the goal:
 * in-place = Gaussian tolerance of ‖handle − goal‖ within 5 cm, margin the distance from the door's
 * base (the hinge) to the goal; hand-in-place = Gaussian tolerance of ‖TCP − goal‖ within 1.25 cm,
 * margin ‖hand start − handle‖ + 0.1. It ignores the gripper action. Success: ‖handle − goal‖ ≤
 * 0.08. The hand starts at (0.5, 0.6, 0.2), the reference's start mirrored like our door.
 */
export const doorCloseTask: ManipulationTask = {
  name: "door-close",
  description: "Close the open door by pushing it until it shuts. Each configuration places the door at random.",
  scene: { name: "door-close", worldbody: doorWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: HAND_START,
  sampleConfiguration(rng) {
    const hinge = uniformIn(rng, DOOR_LOW, DOOR_HIGH);
    return { object: hinge, goal: add(hinge, HANDLE_LOCAL) };
  },
  bind(simulation) {
    const door = new ArticulatedObject(simulation, DOOR_NAMES);
    return {
      reset: (configuration) => door.reset(configuration, OPEN_ANGLE),
      observeObjects: (out, offset) => door.observeObjects(out, offset),
      evaluate(observation, _initial, gripper) {
        const handle = objectPosition(observation);
        const goal = goalPosition(observation);
        const toGoal = objectToGoalDistance(observation);
        const hinge = subtract(goal, HANDLE_LOCAL);
        const inPlace = tolerance(toGoal, 0, TARGET_RADIUS, Math.hypot(hinge[0] - goal[0], hinge[1] - goal[1], hinge[2] - goal[2]), "gaussian");
        const handMargin = Math.hypot(HAND_START[0] - handle[0], HAND_START[1] - handle[1], HAND_START[2] - handle[2]) + 0.1;
        const handInPlace = tolerance(tcpDistance(gripper, goal), 0, 0.25 * TARGET_RADIUS, handMargin, "gaussian");
        return {
          reward: toGoal < TARGET_RADIUS ? 10 : 3 * handInPlace + 6 * inPlace,
          success: toGoal <= SUCCESS_DISTANCE,
          nearObject: 0,
          graspSuccess: true,
          graspReward: 1,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    };
  },
  createExpert: doorPushExpert,
};

/**
 * Scripted door-closing expert: rise above the door, come down with the fingers closed just
 * outside the handle bar, then walk that push point around the hinge a little ahead of the
 * current angle towards shut, so the pads sweep the bar (and the door) closed.
 */
function doorPushExpert(): ExpertPolicy {
  let placed = false;
  return {
    act(observation, action) {
      const handle = objectPosition(observation);
      const angle = hingeAngle(observation);
      const rotatedHandle = rotateZ(HANDLE_LOCAL, angle);
      const hinge: Vec3 = [handle[0] - rotatedHandle[0], handle[1] - rotatedHandle[1], handle[2]];
      const push = add(hinge, rotateZ(PUSH_LOCAL, angle));
      const tcp = expertTcp(observation);
      const horizontalError = Math.hypot(tcp[0] - push[0], tcp[1] - push[1]);
      if (!placed && horizontalError < 0.01 && Math.abs(tcp[2] - push[2]) < 0.015) placed = true;
      if (placed && horizontalError > 0.06) placed = false;
      if (!placed) {
        // Over the top of the door (its leaf reaches 0.1 m above the handle) before coming down.
        const clearance = handle[2] + 0.15;
        if (horizontalError > 0.012 && tcp[2] < clearance - 0.02) moveTowards(observation, [tcp[0], tcp[1], clearance], 1, action);
        else moveTowards(observation, horizontalError > 0.012 ? [push[0], push[1], clearance] : push, 1, action);
        return;
      }
      moveTowards(observation, add(hinge, rotateZ(PUSH_LOCAL, Math.max(angle - 0.25, -0.05))), 1, action);
    },
  };
}
