import { Observation } from "./observation-layout.js";
import type { Vec3 } from "./reward-shaping.js";
import { SceneColors, vec } from "./scene.js";

/**
 * The hinged door of door-open and door-close: a frame (scenery) whose base is the configuration's
 * object position (the hinge, at handle height), and a leaf extending DOOR_WIDTH to −x that
 * swings about +z towards the robot, 0 (shut) to 1.75 rad. A vertical handle bar stands off the
 * leaf towards the robot near its free edge. Object 1 in the observation is the handle and the
 * leaf's orientation (a rotation about z by the hinge angle).
 */

/** A quarter turn towards the robot: door-open's goal angle and door-close's start. */
export const OPEN_ANGLE = Math.PI / 2;
export const DOOR_LOW: Vec3 = [0, 0.85, 0.1];
export const DOOR_HIGH: Vec3 = [0.1, 0.95, 0.1];
export const DOOR_WIDTH = 0.2;
/** Handle bar position relative to the hinge with the door closed (near the free edge, standing off towards the robot). */
export const HANDLE_LOCAL: Vec3 = [-DOOR_WIDTH + 0.03, -0.065, 0];
/** Where the closed fingers hook: between the handle bar and the door leaf. */
export const HOOK_LOCAL: Vec3 = [HANDLE_LOCAL[0], -0.036, 0];

/** The hinge angle read from object 1's quaternion (a pure rotation about z). */
export function hingeAngle(observation: Float32Array): number {
  const w = observation[Observation.object1Quaternion]!;
  const z = observation[Observation.object1Quaternion + 3]!;
  return 2 * Math.atan2(z, w);
}

export function doorWorldbody(): string {
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


export const DOOR_NAMES = { base: "door_frame", joint: "door_hinge", handleSite: "door_handle", movingBody: "door" } as const;
