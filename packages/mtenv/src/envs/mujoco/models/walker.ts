import { Palette, num } from "./palette.js";

export interface WalkerParameters {
  /** Sliding friction of every geom (the HiP-BMDP family varies it 0.7 → 1.6). */
  friction: number;
  /** Half-length of the left foot capsule (the HiP-BMDP family varies it 0.08 → 0.17). */
  leftFootHalfLength: number;
}

export const DEFAULT_WALKER: WalkerParameters = { friction: 0.7, leftFootHalfLength: 0.1 };

/** Half-length of the right foot, which no family varies. */
const RIGHT_FOOT_HALF_LENGTH = 0.1;

/**
 * A planar biped: a torso that slides in x and z and pitches about y, and two legs of thigh,
 * shin and foot on hinges with torque motors. The legs sit side by side in y for the camera but
 * move in the same x-z plane; body parts touch only the floor, not each other.
 */
export function walkerXml(parameters: WalkerParameters = DEFAULT_WALKER): string {
  const { friction, leftFootHalfLength } = parameters;
  if (!(friction > 0)) throw new RangeError(`walker friction must be > 0, got ${friction}.`);
  if (!(leftFootHalfLength > 0)) throw new RangeError(`walker leftFootHalfLength must be > 0, got ${leftFootHalfLength}.`);
  const leg = (side: "right" | "left", y: number, footHalf: number, colour: string): string => `
      <body name="${side}_thigh" pos="0 ${num(y)} -0.3">
        <joint name="${side}_hip" type="hinge" axis="0 -1 0" range="-0.35 1.75"/>
        <geom name="${side}_thigh" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" rgba="${colour}"/>
        <body name="${side}_leg" pos="0 0 -0.45">
          <joint name="${side}_knee" type="hinge" axis="0 -1 0" range="-2.6 0"/>
          <geom name="${side}_leg" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" rgba="${colour}"/>
          <body name="${side}_foot" pos="0 0 -0.5">
            <joint name="${side}_ankle" type="hinge" axis="0 -1 0" range="-0.8 0.8"/>
            <geom name="${side}_foot" type="capsule" fromto="-0.04 0 0 ${num(2 * footHalf - 0.04)} 0 0" size="0.045" rgba="${colour}"/>
          </body>
        </body>
      </body>`;
  return `<mujoco model="walker">
  <compiler autolimits="true" angle="radian"/>
  <size memory="1M"/>
  <option timestep="0.0025" integrator="Euler"/>
  <default>
    <joint armature="0.01" damping="0.1" limited="true"/>
    <geom contype="1" conaffinity="0" friction="${num(friction)} 0.1 0.1" density="1000"/>
    <motor ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="0 0 0.5" conaffinity="1" rgba="${Palette.floor}"/>
    <body name="torso" pos="0 0 1.3">
      <camera name="side" mode="trackcom" pos="0 -3.4 -0.25" xyaxes="1 0 0 0 0 1" fovy="45"/>
      <joint name="rootz" type="slide" axis="0 0 1" limited="false" armature="0" damping="0"/>
      <joint name="rootx" type="slide" axis="1 0 0" limited="false" armature="0" damping="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" limited="false" armature="0" damping="0"/>
      <geom name="torso" type="capsule" fromto="0 0 -0.3 0 0 0.3" size="0.07" rgba="${Palette.body}"/>
      ${leg("right", -0.05, RIGHT_FOOT_HALF_LENGTH, Palette.limb)}
      ${leg("left", 0.05, leftFootHalfLength, Palette.accent)}
    </body>
  </worldbody>
  <actuator>
    <motor name="right_hip" joint="right_hip" gear="100"/>
    <motor name="right_knee" joint="right_knee" gear="50"/>
    <motor name="right_ankle" joint="right_ankle" gear="20"/>
    <motor name="left_hip" joint="left_hip" gear="100"/>
    <motor name="left_knee" joint="left_knee" gear="50"/>
    <motor name="left_ankle" joint="left_ankle" gear="20"/>
  </actuator>
  <sensor>
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>
  </sensor>
</mujoco>
`;
}
