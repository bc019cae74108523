import { Palette, num } from "./palette.js";

export interface ReacherParameters {
  /** Radius of the target ball: 0.05 for "easy", 0.015 for "hard". */
  targetRadius: number;
}

export const DEFAULT_REACHER: ReacherParameters = { targetRadius: 0.05 };

/** Radius of the ball at the end of the arm; the reward counts it as touching the target. */
export const REACHER_FINGER_RADIUS = 0.01;

/**
 * A two-link arm lying flat on a table (hinges about z, so gravity does no work) and a target
 * ball that is a mocap body: the task places it at reset without adding degrees of freedom.
 * Contacts are off; the walls are decoration.
 */
export function reacherXml(parameters: ReacherParameters = DEFAULT_REACHER): string {
  const radius = parameters.targetRadius;
  if (!(radius > 0)) throw new RangeError(`reacher targetRadius must be > 0, got ${radius}.`);
  const wall = (name: string, x: number, y: number, sx: number, sy: number): string =>
    `<geom name="${name}" type="box" pos="${num(x)} ${num(y)} 0.015" size="${num(sx)} ${num(sy)} 0.015" rgba="${Palette.decor}"/>`;
  return `<mujoco model="reacher">
  <compiler autolimits="true" angle="radian"/>
  <size memory="512K"/>
  <option timestep="0.02" integrator="Euler">
    <flag contact="disable"/>
  </option>
  <default>
    <joint type="hinge" axis="0 0 1" damping="0.01" armature="0.0002"/>
    <geom rgba="${Palette.body}"/>
    <motor ctrlrange="-1 1" gear="0.05"/>
  </default>
  <worldbody>
    <camera name="top" pos="0 0 0.78" xyaxes="1 0 0 0 1 0" fovy="45"/>
    <geom name="table" type="plane" size="0.32 0.32 0.08" rgba="${Palette.floor}"/>
    ${wall("wall_north", 0, 0.31, 0.32, 0.01)}
    ${wall("wall_south", 0, -0.31, 0.32, 0.01)}
    ${wall("wall_east", 0.31, 0, 0.01, 0.32)}
    ${wall("wall_west", -0.31, 0, 0.01, 0.32)}
    <geom name="base" type="cylinder" fromto="0 0 0 0 0 0.02" size="0.025" rgba="${Palette.metal}"/>
    <body name="arm" pos="0 0 0.02">
      <joint name="shoulder"/>
      <geom name="arm" type="capsule" fromto="0 0 0 0.12 0 0" size="0.012"/>
      <body name="hand" pos="0.12 0 0">
        <joint name="wrist" range="-2.79 2.79"/>
        <geom name="hand" type="capsule" fromto="0 0 0 0.11 0 0" size="0.01" rgba="${Palette.limb}"/>
        <body name="finger" pos="0.12 0 0">
          <geom name="finger" type="sphere" size="${num(REACHER_FINGER_RADIUS)}" rgba="${Palette.accent}"/>
        </body>
      </body>
    </body>
    <body name="target" mocap="true" pos="0.1 0.1 0.02">
      <geom name="target" type="sphere" size="${num(radius)}" rgba="${Palette.target}"/>
    </body>
  </worldbody>
  <actuator>
    <motor name="shoulder" joint="shoulder"/>
    <motor name="wrist" joint="wrist"/>
  </actuator>
</mujoco>
`;
}
