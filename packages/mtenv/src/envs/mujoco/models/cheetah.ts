import { Palette, num } from "./palette.js";

export interface CheetahParameters {
  /** Half-length of the torso capsule in metres (the HiP-BMDP family varies it 0.5 → 1.4). */
  torsoHalfLength: number;
}

export const DEFAULT_CHEETAH: CheetahParameters = { torsoHalfLength: 0.5 };

/**
 * A planar two-legged runner: the torso slides in x and z and pitches about y; each leg is a
 * thigh, shin and foot on sprung, damped hinges with torque motors. The legs hang from the two
 * ends of the torso, so a longer torso spreads the hips apart (and makes the body heavier).
 * Only the limbs touch the floor (limb-limb contacts are off).
 */
export function cheetahXml(parameters: CheetahParameters = DEFAULT_CHEETAH): string {
  const half = parameters.torsoHalfLength;
  if (!(half > 0)) throw new RangeError(`cheetah torsoHalfLength must be > 0, got ${half}.`);
  return `<mujoco model="cheetah">
  <compiler autolimits="true" angle="radian"/>
  <size memory="1M"/>
  <option timestep="0.01" integrator="Euler"/>
  <default>
    <joint limited="true" armature="0.1" damping="0.05" stiffness="8"/>
    <geom contype="1" conaffinity="0" friction="0.4 0.1 0.1" rgba="${Palette.limb}"/>
    <motor ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="0 0 0.5" conaffinity="1" rgba="${Palette.floor}"/>
    <body name="torso" pos="0 0 0.7">
      <camera name="side" mode="trackcom" pos="0 -3.2 0.05" xyaxes="1 0 0 0 0 1" fovy="45"/>
      <joint name="rootx" type="slide" axis="1 0 0" limited="false" armature="0" damping="0" stiffness="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" limited="false" armature="0" damping="0" stiffness="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" limited="false" armature="0" damping="0" stiffness="0"/>
      <geom name="torso" type="capsule" fromto="${num(-half)} 0 0 ${num(half)} 0 0" size="0.046" rgba="${Palette.body}"/>
      <geom name="head" type="capsule" fromto="${num(half - 0.04)} 0 0.04 ${num(half + 0.16)} 0 0.2" size="0.046" rgba="${Palette.body}"/>
      <body name="bthigh" pos="${num(-half)} 0 0">
        <joint name="bthigh" type="hinge" axis="0 1 0" range="-0.52 1.05" stiffness="220" damping="6"/>
        <geom name="bthigh" type="capsule" fromto="0 0 0 0.11 0 -0.26" size="0.046"/>
        <body name="bshin" pos="0.11 0 -0.26">
          <joint name="bshin" type="hinge" axis="0 1 0" range="-0.79 0.79" stiffness="160" damping="4.5"/>
          <geom name="bshin" type="capsule" fromto="0 0 0 -0.27 0 -0.14" size="0.046"/>
          <body name="bfoot" pos="-0.27 0 -0.14">
            <joint name="bfoot" type="hinge" axis="0 1 0" range="-0.4 0.79" stiffness="110" damping="3"/>
            <geom name="bfoot" type="capsule" fromto="0 0 0 0.04 0 -0.18" size="0.046"/>
          </body>
        </body>
      </body>
      <body name="fthigh" pos="${num(half)} 0 0">
        <joint name="fthigh" type="hinge" axis="0 1 0" range="-1.0 0.7" stiffness="180" damping="4.5"/>
        <geom name="fthigh" type="capsule" fromto="0 0 0 -0.08 0 -0.25" size="0.046"/>
        <body name="fshin" pos="-0.08 0 -0.25">
          <joint name="fshin" type="hinge" axis="0 1 0" range="-1.2 0.87" stiffness="120" damping="3"/>
          <geom name="fshin" type="capsule" fromto="0 0 0 0.11 0 -0.2" size="0.046"/>
          <body name="ffoot" pos="0.11 0 -0.2">
            <joint name="ffoot" type="hinge" axis="0 1 0" range="-0.5 0.5" stiffness="60" damping="1.5"/>
            <geom name="ffoot" type="capsule" fromto="0 0 0 0.05 0 -0.13" size="0.046"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="bthigh" joint="bthigh" gear="115"/>
    <motor name="bshin" joint="bshin" gear="85"/>
    <motor name="bfoot" joint="bfoot" gear="55"/>
    <motor name="fthigh" joint="fthigh" gear="110"/>
    <motor name="fshin" joint="fshin" gear="60"/>
    <motor name="ffoot" joint="ffoot" gear="30"/>
  </actuator>
  <sensor>
    <subtreelinvel name="torso_subtreelinvel" body="torso"/>
    <subtreecom name="torso_subtreecom" body="torso"/>
  </sensor>
</mujoco>
`;
}
