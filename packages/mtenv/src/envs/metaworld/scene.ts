import { Palette, num } from "../mujoco/models/palette.js";

/**
 * The shared tabletop of every Meta-World-style task: a table whose top is the plane z = 0, a
 * two-finger gripper that follows a mocap body, and cameras. Each task adds its own objects.
 *
 * Gripper: the hand is a body with three slide joints (x, y, z; its orientation never changes,
 * pointing down) tied to the mocap body by a `connect` equality constraint. With no rotational
 * freedom a connect is a weld, and the soft constraint gives the hand a real velocity, which a
 * hand *inside* the mocap body would not have (MuJoCo gives mocap bodies no velocity, so friction
 * could not carry a grasped object). Gravity compensation keeps the hand from sagging under the
 * weld. The two fingers slide along ±y under position actuators; the tool centre point (TCP)
 * between the finger pads lies `TCP_BELOW_MOCAP` below the mocap point.
 *
 * Contacts are filtered by bitmask so that only pairs that matter are ever tested: the finger pads
 * touches objects and handles, free objects touch the table, fixtures and each other, and
 * nothing else collides (the fingers never scrape the table, doors and drawers move on joint
 * limits instead of contacts with their frames).
 */

/**
 * Vertical distance from the mocap point down to the TCP. The mocap point is the "hand" the
 * observation reports (site "hand"), as the reference reports its hand body, which sits ≈4.5 cm
 * above its finger pads' centre.
 */
export const TCP_BELOW_MOCAP = 0.05;
/** Largest finger travel from the centre line (each side), metres. */
export const FINGER_TRAVEL = 0.05;
/** Half-extents of a finger pad (x along the pad's width, y its thickness, z its height). */
export const FINGER_PAD_HALF_SIZE = [0.012, 0.006, 0.022] as const;

/** Contact classes: geoms of a class collide only with the classes named in its comment. */
export const ContactClass = {
  /** Finger pads (the palm is scenery): collide with free objects and handles. */
  gripper: 'contype="1" conaffinity="0"',
  /** Table top and static fixtures (a box with a hole): collide with free objects. */
  fixture: 'contype="2" conaffinity="0"',
  /** Blocks, pegs: collide with the gripper, fixtures and each other. */
  freeObject: 'contype="4" conaffinity="7"',
  /** Moving parts of articulated objects (handles, drawer, window sash, button): gripper only. */
  handle: 'contype="0" conaffinity="1"',
  /** Scenery: never collides. */
  decor: 'contype="0" conaffinity="0"',
} as const;

/** Colours of the manipulation scenes (extends the MuJoCo palette). */
export const SceneColors = {
  table: "0.55 0.42 0.30 1",
  tableLeg: "0.40 0.30 0.22 1",
  gripper: "0.25 0.27 0.30 1",
  pad: "0.75 0.76 0.78 1",
  object: "0.80 0.25 0.22 1",
  handle: "0.20 0.22 0.25 1",
  cabinet: "0.62 0.66 0.72 1",
  goal: "0.20 0.75 0.30 0.6",
  glass: "0.60 0.80 0.90 0.5",
  accent: Palette.accent,
} as const;

/**
 * Where the hand's TCP sits when its slide joints are at 0; the mocap point is then directly
 * above it, which is how the connect constraint learns its offset (MuJoCo takes the anchor to be
 * satisfied at qpos0).
 */
export const HAND_ORIGIN = [0, 0.6, 0.15] as const;
/** The mocap body's position in the MJCF (HAND_ORIGIN raised by TCP_BELOW_MOCAP). */
export const MOCAP_ORIGIN = [HAND_ORIGIN[0], HAND_ORIGIN[1], HAND_ORIGIN[2] + TCP_BELOW_MOCAP] as const;

export interface SceneParts {
  /** Model name (the task). */
  readonly name: string;
  /** MJCF placed inside <worldbody>: the task's objects. */
  readonly worldbody: string;
  /** Optional extra top-level sections (e.g. <tendon> or <sensor>). */
  readonly extra?: string;
}

/** A vector as MJCF text. */
export function vec(...values: readonly number[]): string {
  return values.map(num).join(" ");
}

/** Camera orientation attribute for a camera at `eye` looking at `target`, image up ≈ world +z. */
export function lookAt(eye: readonly [number, number, number], target: readonly [number, number, number]): string {
  const forward = normalize([target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]]);
  // MuJoCo cameras look along their −z axis with +y up: x = forward × up, y = x × forward.
  const right = normalize([forward[1], -forward[0], 0]);
  const up = [
    right[1] * forward[2] - right[2] * forward[1],
    right[2] * forward[0] - right[0] * forward[2],
    right[0] * forward[1] - right[1] * forward[0],
  ] as const;
  return `pos="${vec(...eye)}" xyaxes="${vec(...right, ...up)}"`;
}

function normalize(v: readonly [number, number, number]): [number, number, number] {
  const length = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / length, v[1] / length, v[2] / length];
}

/**
 * The full MJCF for a task. Physics: 2.5 ms steps (the reference's 5 substeps per action make
 * 12.5 ms per env step), implicit-in-velocity integration for the stiff finger servos, elliptic
 * friction cones with impratio 4 so that a pinched object does not creep out of the grasp.
 */
export function sceneXml(parts: SceneParts): string {
  const [padX, padY, padZ] = FINGER_PAD_HALF_SIZE;
  const finger = (side: "right" | "left", sign: 1 | -1): string => `
      <body name="finger_${side}">
        <joint name="finger_${side}" type="slide" axis="0 ${sign} 0" range="0 ${num(FINGER_TRAVEL)}" damping="2" armature="0.01"/>
        <geom name="pad_${side}" type="box" class="gripper" pos="0 ${num(sign * padY)} 0" size="${vec(padX, padY, padZ)}" rgba="${SceneColors.pad}"/>
        <geom name="finger_${side}_link" type="box" class="decor" pos="0 ${num(sign * padY)} ${num(padZ + 0.012)}" size="${vec(padX * 0.8, padY * 0.8, 0.012)}" rgba="${SceneColors.gripper}" mass="0.01"/>
        <site name="fingertip_${side}" pos="0 0 0" size="0.004"/>
      </body>`;
  return `<mujoco model="metaworld-${parts.name}">
  <compiler angle="radian" autolimits="true"/>
  <size memory="2M"/>
  <option timestep="0.0025" integrator="implicitfast" cone="elliptic" impratio="4"/>
  <default>
    <geom ${ContactClass.decor} friction="1 0.005 0.0001" solref="0.01 1" density="500"/>
    <default class="gripper"><geom ${ContactClass.gripper} friction="2 0.01 0.001" condim="4"/></default>
    <default class="fixture"><geom ${ContactClass.fixture}/></default>
    <default class="freeObject"><geom ${ContactClass.freeObject} condim="3"/></default>
    <default class="handle"><geom ${ContactClass.handle} condim="4"/></default>
    <default class="decor"><geom ${ContactClass.decor}/></default>
  </default>
  <worldbody>
    <camera name="corner" ${lookAt([0.45, 0.28, 0.4], [0.0, 0.76, 0.07])} fovy="55"/>
    <camera name="front" ${lookAt([0, 0.0, 0.55], [0, 0.75, 0.05])} fovy="50"/>
    <geom name="floor" type="plane" pos="0 0.6 -0.8" size="2 2 0.25" rgba="${Palette.floor}"/>
    <geom name="table" type="plane" class="fixture" pos="0 0.65 0" size="0.7 0.45 0.05" rgba="${SceneColors.table}"/>
    <geom name="table_body" type="box" class="decor" pos="0 0.65 -0.03" size="0.7 0.45 0.029" rgba="${SceneColors.tableLeg}"/>
    <body name="mocap" mocap="true" pos="${vec(...MOCAP_ORIGIN)}"/>
    <body name="hand" pos="${vec(...HAND_ORIGIN)}" gravcomp="1">
      <joint name="hand_x" type="slide" axis="1 0 0" damping="5"/>
      <joint name="hand_y" type="slide" axis="0 1 0" damping="5"/>
      <joint name="hand_z" type="slide" axis="0 0 1" damping="5"/>
      <geom name="palm" type="box" class="decor" pos="0 0 ${num(TCP_BELOW_MOCAP)}" size="0.02 0.065 0.008" rgba="${SceneColors.gripper}" mass="0.5"/>
      <geom name="wrist" type="cylinder" class="decor" pos="0 0 ${num(TCP_BELOW_MOCAP + 0.05)}" size="0.025 0.042" rgba="${SceneColors.gripper}" mass="0.2"/>
      <site name="tcp" pos="0 0 0" size="0.005" rgba="0 0 0 0"/>
      <site name="hand" pos="0 0 ${num(TCP_BELOW_MOCAP)}" size="0.005" rgba="0 0 0 0"/>
      ${finger("right", 1)}
      ${finger("left", -1)}
    </body>
${parts.worldbody}
  </worldbody>
  <equality>
    <connect name="hand_to_mocap" body1="hand" body2="mocap" anchor="0 0 ${num(TCP_BELOW_MOCAP)}" solref="0.02 1"/>
  </equality>
  <actuator>
    <position name="finger_right" joint="finger_right" kp="400" ctrlrange="0 ${num(FINGER_TRAVEL)}" forcerange="-12 12"/>
    <position name="finger_left" joint="finger_left" kp="400" ctrlrange="0 ${num(FINGER_TRAVEL)}" forcerange="-12 12"/>
  </actuator>
${parts.extra ?? ""}
</mujoco>
`;
}
