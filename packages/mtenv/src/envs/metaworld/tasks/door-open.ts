import { ArticulatedObject } from "../articulated-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { hamacherProduct, tolerance, type Vec3 } from "../reward-shaping.js";
import { DOOR_HIGH, DOOR_LOW, DOOR_NAMES, HANDLE_LOCAL, HOOK_LOCAL, OPEN_ANGLE, doorWorldbody, hingeAngle } from "../door.js";
import { TCP_BELOW_MOCAP } from "../scene.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";
import { add, rotateZ } from "../vector.js";

/** Success: the handle within this distance of the goal in x (the reference's test). */
const SUCCESS_DISTANCE = 0.08;

/**
 * door-open: swing a hinged door open towards the robot by its handle.
 *
 * The object position is the hinge (the door's base, at handle height); the door leaf extends
 * 0.2 m to −x and opens by rotating about +z. Object 1 in the observation is the handle and the
 * leaf's orientation (a rotation about z by the hinge angle θ). The goal is the handle's position
 * with the door open a quarter turn. Success, as in the reference: |handle x − goal x| ≤ 0.08
 * (with our door, θ ≳ 1.12 rad).
 *
 * The reference's v2 reward, 2 · Hamacher(ready, grab) + 8 · opened, 10 on success: grab =
 * (clip(a[3]) + 1) / 2, the commanded gripper action itself; ready = Hamacher(above-floor,
 * in-place), in-place being the long-tail tolerance of ‖hand − hook‖ within 6 cm, margin 0.5,
 * and above-floor keeping the hand above a logarithmic floor 0.04 · ln(r − 0.12) + 0.4 while it
 * is more than r = 12 cm (in xy) from a point 5 cm −x of the handle; opened = 0.2 · [θ > 2°] +
 * 0.8 · long-tail tolerance of 2π/3 − θ within [0, 0.5], margin π/3. The hand is obs[0:3]. Our
 * hook target is the gap between handle bar and leaf with the TCP at handle height, i.e. the
 * hand at handle + (0, 0.03, 0.05); the reference's is handle + (0, 0.03, −0.01) for its taller
 * handle.
 */
export const doorOpenTask: ManipulationTask = {
  name: "door-open",
  description: "Open the door by pulling its handle until the door has swung a quarter turn. Each configuration places the door at random.",
  scene: { name: "door-open", worldbody: doorWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    const hinge = uniformIn(rng, DOOR_LOW, DOOR_HIGH);
    return { object: hinge, goal: add(hinge, rotateZ(HANDLE_LOCAL, OPEN_ANGLE)) };
  },
  bind(simulation) {
    const door = new ArticulatedObject(simulation, DOOR_NAMES);
    return {
      reset: (configuration) => door.reset(configuration, 0),
      observeObjects: (out, offset) => door.observeObjects(out, offset),
      evaluate(observation, _initial, gripper) {
        const handle = objectPosition(observation);
        const theta = hingeAngle(observation);
        const grab = (Math.min(Math.max(gripper.gripperAction, -1), 1) + 1) / 2;
        const ready = readyToOpen(observation, handle);
        const opened = 0.2 * (theta > Math.PI / 90 ? 1 : 0) + 0.8 * tolerance((2 * Math.PI) / 3 - theta, 0, 0.5, Math.PI / 3, "long_tail");
        const toGoalX = Math.abs(handle[0] - goalPosition(observation)[0]);
        const success = toGoalX <= SUCCESS_DISTANCE;
        return {
          reward: success ? 10 : 2 * hamacherProduct(ready, grab) + 8 * opened,
          success,
          nearObject: ready,
          graspSuccess: grab >= 0.5,
          graspReward: grab,
          inPlaceReward: opened,
          objectToTarget: 0,
        };
      },
    };
  },
  createExpert: doorExpert,
};

/** Where the reward wants the hand (obs[0:3]) relative to the handle: see the task's comment. */
const HAND_TARGET_FROM_HANDLE: Vec3 = [0, 0.03, TCP_BELOW_MOCAP];

/** The reference's "ready to open" term: the hand at its target, not crashing down on the way. */
function readyToOpen(observation: Float32Array, handle: Vec3): number {
  const hand: Vec3 = [observation[Observation.hand]!, observation[Observation.hand + 1]!, observation[Observation.hand + 2]!];
  const threshold = 0.12;
  const radius = Math.hypot(hand[0] - (handle[0] - 0.05), hand[1] - handle[1]);
  const floor = radius <= threshold ? 0 : 0.04 * Math.log(radius - threshold) + 0.4;
  const aboveFloor = hand[2] >= floor ? 1 : tolerance(floor - hand[2], 0, 0.01, floor / 2, "long_tail");
  const offset = Math.hypot(
    hand[0] - handle[0] - HAND_TARGET_FROM_HANDLE[0],
    hand[1] - handle[1] - HAND_TARGET_FROM_HANDLE[1],
    hand[2] - handle[2] - HAND_TARGET_FROM_HANDLE[2],
  );
  const inPlace = tolerance(offset, 0, threshold / 2, 0.5, "long_tail");
  return hamacherProduct(aboveFloor, inPlace);
}

/**
 * Scripted door expert: lower the closed fingers into the gap between the handle bar and the
 * leaf, then walk the hook point around the hinge a little ahead of the current angle, so the
 * pads drag the bar along its arc until the door is a quarter turn open. The hinge is recovered
 * from the handle position and the leaf's orientation.
 */
function doorExpert(): ExpertPolicy {
  let hooked = false;
  return {
    act(observation, action) {
      const handle: Vec3 = [observation[4]!, observation[5]!, observation[6]!];
      const angle = hingeAngle(observation);
      const rotatedHandle = rotateZ(HANDLE_LOCAL, angle);
      const hinge: Vec3 = [handle[0] - rotatedHandle[0], handle[1] - rotatedHandle[1], handle[2]];
      const hand = expertTcp(observation);
      const hook = add(hinge, rotateZ(HOOK_LOCAL, angle));
      const horizontalError = Math.hypot(hand[0] - hook[0], hand[1] - hook[1]);
      if (!hooked && horizontalError < 0.008 && Math.abs(hand[2] - hook[2]) < 0.012) hooked = true;
      if (hooked && horizontalError > 0.05) hooked = false;
      if (!hooked) {
        moveTowards(observation, horizontalError > 0.01 ? [hook[0], hook[1], handle[2] + 0.09] : hook, 1, action);
        return;
      }
      // The pads have ~1 cm of play behind the bar, so aim a little past the target angle.
      const lead = Math.min(angle + 0.25, OPEN_ANGLE + 0.06);
      moveTowards(observation, add(hinge, rotateZ(HOOK_LOCAL, lead)), 1, action);
    },
  };
}
