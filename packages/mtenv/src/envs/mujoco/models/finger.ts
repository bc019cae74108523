import { Palette, num } from "./palette.js";

export interface FingerParameters {
  /** Radius of the ball at the end of the finger (the HiP-BMDP family varies it 0.025 → 0.25). */
  fingertipRadius: number;
}

export const DEFAULT_FINGER: FingerParameters = { fingertipRadius: 0.025 };

/**
 * A two-link finger hanging from a fixed shoulder flicks a balanced, lightly damped spinner on
 * its own hinge. Everything moves in the x-z plane. The fingertip ball's mass is fixed, so the
 * family varies only the contact geometry, not the finger's inertia. Two touch sensors cover the
 * two sides of the fingertip. The floor is scenery (no contacts), and the shoulder hangs high
 * enough that even the largest fingertip swings freely.
 */
export function fingerXml(parameters: FingerParameters = DEFAULT_FINGER): string {
  const radius = parameters.fingertipRadius;
  if (!(radius > 0)) throw new RangeError(`finger fingertipRadius must be > 0, got ${radius}.`);
  // The touch sites must enclose every contact point on the tip, whatever its size.
  const siteHalfWidth = (radius + 0.04) / 2;
  const siteHalfHeight = radius + 0.1;
  return `<mujoco model="finger">
  <compiler autolimits="true" angle="radian"/>
  <size memory="1M"/>
  <option timestep="0.01" integrator="Euler"/>
  <default>
    <joint type="hinge" axis="0 -1 0" armature="0.001" damping="0.05"/>
    <geom contype="1" conaffinity="1" friction="0.5 0.02 0.002" density="300" rgba="${Palette.limb}"/>
    <motor ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <camera name="front" pos="0 -1.05 0.56" xyaxes="1 0 0 0 0 1" fovy="45"/>
    <geom name="floor" type="plane" size="0.8 0.4 0.1" contype="0" conaffinity="0" rgba="${Palette.floor}"/>
    <geom name="anchor" type="box" pos="-0.2 0.06 0.64" size="0.06 0.02 0.06" contype="0" conaffinity="0" rgba="${Palette.decor}"/>
    <body name="proximal" pos="-0.2 0 0.6">
      <joint name="proximal" range="-1.92 1.92"/>
      <geom name="proximal" type="capsule" fromto="0 0 0 0 0 -0.17" size="0.03" rgba="${Palette.body}"/>
      <body name="distal" pos="0 0 -0.17">
        <joint name="distal" range="-1.92 1.92"/>
        <geom name="distal" type="capsule" fromto="0 0 0 0 0 -0.15" size="0.027"/>
        <geom name="fingertip" type="sphere" pos="0 0 -0.16" size="${num(radius)}" mass="0.02" rgba="${Palette.accent}"/>
        <site name="touchtop" type="box" pos="${num(siteHalfWidth)} 0 -0.12" size="${num(siteHalfWidth)} 0.06 ${num(siteHalfHeight)}" rgba="0 0 0 0"/>
        <site name="touchbottom" type="box" pos="${num(-siteHalfWidth)} 0 -0.12" size="${num(siteHalfWidth)} 0.06 ${num(siteHalfHeight)}" rgba="0 0 0 0"/>
      </body>
    </body>
    <body name="spinner" pos="0.2 0 0.6">
      <joint name="hinge" damping="0.004" armature="0"/>
      <geom name="hub" type="cylinder" fromto="0 -0.03 0 0 0.03 0" size="0.035" contype="0" conaffinity="0" density="300" rgba="${Palette.metal}"/>
      <geom name="spinner_long" type="capsule" fromto="0 0 0 0 0 -0.18" size="0.025" density="300" rgba="${Palette.target}"/>
      <geom name="spinner_short" type="capsule" fromto="0 0 0 0 0 0.18" size="0.025" density="300" rgba="${Palette.decor}"/>
      <site name="spinner_tip" pos="0 0 -0.18" size="0.01"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="proximal" joint="proximal" gear="1.5"/>
    <motor name="distal" joint="distal" gear="1.5"/>
  </actuator>
  <sensor>
    <jointpos name="proximal" joint="proximal"/>
    <jointpos name="distal" joint="distal"/>
    <jointvel name="proximal_velocity" joint="proximal"/>
    <jointvel name="distal_velocity" joint="distal"/>
    <jointvel name="hinge_velocity" joint="hinge"/>
    <touch name="touchtop" site="touchtop"/>
    <touch name="touchbottom" site="touchbottom"/>
  </sensor>
</mujoco>
`;
}
