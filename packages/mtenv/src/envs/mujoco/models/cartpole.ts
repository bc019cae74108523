import { Palette } from "./palette.js";

/**
 * A cart on a horizontal rail pushed by a force, with a free pole on a hinge. The pole hinge
 * has almost no damping.
 * Contacts are disabled (nothing here needs them), which keeps stepping cheap.
 */
export function cartpoleXml(): string {
  return `<mujoco model="cartpole">
  <compiler autolimits="true" angle="radian"/>
  <size memory="512K"/>
  <option timestep="0.01" integrator="Euler">
    <flag contact="disable"/>
  </option>
  <worldbody>
    <camera name="front" pos="0 -5 1.3" xyaxes="1 0 0 0 0 1" fovy="45"/>
    <geom name="floor" type="plane" size="0 0 0.5" rgba="${Palette.floor}"/>
    <geom name="rail_back" type="capsule" fromto="-2.6 0.12 1 2.6 0.12 1" size="0.025" rgba="${Palette.metal}"/>
    <geom name="stop_left" type="box" pos="-2.6 0 1" size="0.04 0.15 0.12" rgba="${Palette.decor}"/>
    <geom name="stop_right" type="box" pos="2.6 0 1" size="0.04 0.15 0.12" rgba="${Palette.decor}"/>
    <body name="cart" pos="0 0 1">
      <joint name="slider" type="slide" axis="1 0 0" range="-2.4 2.4" damping="0.0005"/>
      <geom name="cart" type="box" size="0.21 0.12 0.09" mass="1" rgba="${Palette.body}"/>
      <body name="pole" pos="0 -0.14 0">
        <joint name="hinge" type="hinge" axis="0 1 0" damping="0.000002"/>
        <geom name="pole" type="capsule" fromto="0 0 0 0 0 1" size="0.045" mass="0.1" rgba="${Palette.accent}"/>
        <geom name="axle" type="cylinder" fromto="0 -0.03 0 0 0.03 0" size="0.06" mass="0.001" rgba="${Palette.metal}"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="push" joint="slider" gear="10" ctrlrange="-1 1"/>
  </actuator>
  <sensor>
    <jointpos name="cart_position" joint="slider"/>
    <jointvel name="cart_velocity" joint="slider"/>
    <jointpos name="pole_angle" joint="hinge"/>
    <jointvel name="pole_angular_velocity" joint="hinge"/>
  </sensor>
</mujoco>
`;
}
