import { ArticulatedObject } from "../articulated-object.js";
import { moveTowards } from "../block-object.js";
import { Observation } from "../observation-layout.js";
import { distance3, linearTolerance, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

/** Success: the door's hinge angle within this many radians of OPEN_ANGLE. */
const SUCCESS_ANGLE = 0.08;
/** The open target: a quarter turn towards the robot. */
const OPEN_ANGLE = Math.PI / 2;
const DOOR_LOW: Vec3 = [0, 0.85, 0.1];
const DOOR_HIGH: Vec3 = [0.1, 0.95, 0.1];
const DOOR_WIDTH = 0.2;
/** Handle bar position relative to the hinge with the door closed (near the free edge, standing off towards the robot). */
const HANDLE_LOCAL: Vec3 = [-DOOR_WIDTH + 0.03, -0.065, 0];
/** Where the closed fingers hook: between the handle bar and the door leaf. */
const HOOK_LOCAL: Vec3 = [HANDLE_LOCAL[0], -0.036, 0];

/**
 * door-open: swing a hinged door open towards the robot by its handle.
 *
 * The object position is the hinge (the door's base, at handle height); the door leaf extends
 * 0.2 m to −x and opens by rotating about +z. Object 1 in the observation is the handle and the
 * leaf's orientation (a rotation about z by the hinge angle). The goal is the handle's position
 * with the door open a quarter turn. Reward (in [0, 10]): 5 · reach (TCP within 4 cm of the
 * handle, long tail) + 5 · progress (hinge-angle error falling linearly from a quarter turn to
 * 0.08 rad); 10 on success. Success: |hinge angle − π/2| ≤ 0.08.
 */
export const doorOpenTask: ManipulationTask = {
  name: "door-open",
  description: "Open the door by pulling its handle until the door has swung a quarter turn. Each configuration places the door at random.",
  scene: { name: "door-open", worldbody: doorWorldbody() },
  successThreshold: SUCCESS_ANGLE,
  sampleConfiguration(rng) {
    const hinge = uniformIn(rng, DOOR_LOW, DOOR_HIGH);
    return { object: hinge, goal: add(hinge, rotateZ(HANDLE_LOCAL, OPEN_ANGLE)) };
  },
  bind(simulation) {
    const door = new ArticulatedObject(simulation, { base: "door_frame", joint: "door_hinge", handleSite: "door_handle", movingBody: "door" });
    return {
      reset: (configuration) => door.reset(configuration, 0),
      observeObjects: (out, offset) => door.observeObjects(out, offset),
      evaluate(observation, initial) {
        const angleError = Math.abs(hingeAngle(observation) - OPEN_ANGLE);
        if (angleError <= SUCCESS_ANGLE) return { reward: 10, success: true };
        const reach = longTailTolerance(
          distance3(observation, Observation.hand, observation, Observation.object1Position),
          0.04,
          distance3(initial, Observation.hand, initial, Observation.object1Position),
        );
        const progress = linearTolerance(angleError, SUCCESS_ANGLE, OPEN_ANGLE - SUCCESS_ANGLE);
        return { reward: Math.min(10, 5 * reach + 5 * progress), success: false };
      },
    };
  },
  createExpert: doorExpert,
};

/** The hinge angle read from object 1's quaternion (a pure rotation about z). */
function hingeAngle(observation: Float32Array): number {
  const w = observation[Observation.object1Quaternion]!;
  const z = observation[Observation.object1Quaternion + 3]!;
  return 2 * Math.atan2(z, w);
}

function rotateZ(v: Vec3, angle: number): Vec3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]];
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function doorWorldbody(): string {
  const leafCentre = -DOOR_WIDTH / 2;
  return `    <body name="door_frame" mocap="true" pos="0.05 0.9 0.1">
      <geom name="door_post" type="box" class="decor" pos="0.02 0.0 0.005" size="0.015 0.02 0.105" rgba="${SceneColors.cabinet}"/>
      <geom name="door_lintel" type="box" class="decor" pos="${vec(leafCentre, 0, 0.12)}" size="${vec(DOOR_WIDTH / 2 + 0.035, 0.02, 0.01)}" rgba="${SceneColors.cabinet}"/>
      <geom name="door_jamb" type="box" class="decor" pos="${vec(-DOOR_WIDTH - 0.02, 0, 0.005)}" size="0.015 0.02 0.105" rgba="${SceneColors.cabinet}"/>
      <body name="door">
        <joint name="door_hinge" type="hinge" axis="0 0 1" range="0 1.75" damping="0.5" armature="0.02"/>
        <geom name="door_leaf" type="box" class="handle" pos="${vec(leafCentre, 0, 0)}" size="${vec(DOOR_WIDTH / 2 - 0.005, 0.01, 0.095)}" mass="0.5" rgba="${SceneColors.table}"/>
        <geom name="door_handle" type="cylinder" class="handle" pos="${vec(...HANDLE_LOCAL)}" size="0.008 0.05" mass="0.02" rgba="${SceneColors.handle}"/>
        <geom name="door_handle_top" type="box" class="decor" pos="${vec(HANDLE_LOCAL[0], HANDLE_LOCAL[1] / 2, 0.045)}" size="${vec(0.005, -HANDLE_LOCAL[1] / 2, 0.005)}" rgba="${SceneColors.handle}"/>
        <geom name="door_handle_bottom" type="box" class="decor" pos="${vec(HANDLE_LOCAL[0], HANDLE_LOCAL[1] / 2, -0.045)}" size="${vec(0.005, -HANDLE_LOCAL[1] / 2, 0.005)}" rgba="${SceneColors.handle}"/>
        <site name="door_handle" pos="${vec(...HANDLE_LOCAL)}" size="0.005"/>
      </body>
    </body>`;
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
      const hand: Vec3 = [observation[0]!, observation[1]!, observation[2]!];
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
