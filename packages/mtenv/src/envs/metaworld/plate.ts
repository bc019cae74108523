import type { MujocoSimulation } from "../mujoco/simulation.js";
import type { Vec3 } from "./reward-shaping.js";
import { ScalarJoint, clearObjectSlot, mocapSlot, placeMocap } from "./scene-access.js";
import { SceneColors, vec } from "./scene.js";

/**
 * The plate of the plate-slide tasks (the reference's "puck"): a 10 × 10 × 3 cm slab lying on the
 * table that slides on two joints (x and y) of a channel fixed at PLATE_CHANNEL, and the goal net
 * it is pushed into or out of.
 *
 * The plate touches only the finger pads (contact class `handle`): with no vertical freedom the
 * table could add nothing but contacts to test. Its travel is bounded by joint limits instead of
 * the net's bars; the net is scenery. The reference lets its plate hit the net's bars and bounds
 * the x travel at ±0.2 m with soft limits its own expert overruns by 2–5 cm to reach the side
 * goals (x down to −0.3); ours allows x ∈ [−0.3, 0.2] outright so the same goals are reachable.
 */

/** Half-extents of the plate (the reference's puck collision box). */
export const PLATE_HALF_SIZE: Vec3 = [0.05, 0.05, 0.015];
/** Where the plate's centre is with both joints at 0 (the reference's puck channel). */
export const PLATE_CHANNEL: Vec3 = [0, 0.6, PLATE_HALF_SIZE[2]];
/** Joint travel: x ∈ [−0.3, 0.2] (see above), y ∈ [0, 0.3] as in the reference. */
const X_TRAVEL = [-0.3, 0.2] as const;
const Y_TRAVEL = [0, 0.3] as const;
/** Damping of the plate's joints (N·s/m): the reference's 1, so a pushed plate stops within centimetres. */
const PLATE_DAMPING = 1;

/** How the goal net's mouth faces: towards the robot (−y), or sideways towards +x. */
export type NetFacing = "robot" | "side";

/**
 * MJCF of the plate and its net. The net is a mocap body so that each configuration can place it
 * (plate-slide moves it to the goal; the other variants keep it where the reference does).
 */
export function plateWorldbody(facing: NetFacing): string {
  const [hx, hy, hz] = PLATE_HALF_SIZE;
  const bar = (name: string, from: Vec3, to: Vec3): string =>
    `<geom name="${name}" type="capsule" class="decor" fromto="${vec(...from, ...to)}" size="0.008" rgba="${SceneColors.accent}"/>`;
  // The net in its own frame, mouth at −y: two posts and a crossbar at the mouth, floor rails and
  // a back bar 14.5 cm behind (the reference's net spans the same box).
  const mouth = -0.0685;
  const back = 0.077;
  const yaw = facing === "robot" ? 0 : Math.PI / 2;
  return `    <body name="plate_channel" pos="${vec(...PLATE_CHANNEL)}">
      <body name="plate">
        <joint name="plate_x" type="slide" axis="1 0 0" range="${vec(...X_TRAVEL)}" damping="${PLATE_DAMPING}" armature="0.001"/>
        <joint name="plate_y" type="slide" axis="0 1 0" range="${vec(...Y_TRAVEL)}" damping="${PLATE_DAMPING}" armature="0.001"/>
        <geom name="plate" type="box" class="handle" size="${vec(hx, hy, hz)}" mass="0.05" rgba="${SceneColors.handle}"/>
      </body>
    </body>
    <body name="plate_net" mocap="true" pos="0 0.85 0" euler="0 0 ${yaw}">
      ${bar("net_post_left", [-0.1, mouth, 0], [-0.1, mouth, 0.17])}
      ${bar("net_post_right", [0.1, mouth, 0], [0.1, mouth, 0.17])}
      ${bar("net_crossbar", [-0.1, mouth, 0.17], [0.1, mouth, 0.17])}
      ${bar("net_rail_left", [-0.1, mouth, 0.009], [-0.1, back, 0.009])}
      ${bar("net_rail_right", [0.1, mouth, 0.009], [0.1, back, 0.009])}
      ${bar("net_back", [-0.1, back, 0.009], [0.1, back, 0.009])}
      <geom name="net_goal_spot" type="cylinder" class="decor" size="0.03 0.001" rgba="${SceneColors.goal}"/>
    </body>`;
}

/** The plate and net of one simulation: placed per configuration, observed as object 1. */
export class PlateScene {
  private readonly x: ScalarJoint;
  private readonly y: ScalarJoint;
  private readonly netSlot: number;
  private readonly plateGeom: number;

  constructor(private readonly simulation: MujocoSimulation) {
    this.x = new ScalarJoint(simulation, "plate_x");
    this.y = new ScalarJoint(simulation, "plate_y");
    this.netSlot = mocapSlot(simulation, "plate_net");
    this.plateGeom = simulation.id("geom", "plate");
  }

  /** Puts the plate's centre at `plate` (on the table, inside the joints' travel) and the net at `net`. */
  reset(plate: Vec3, net: Vec3): void {
    this.x.value = plate[0] - PLATE_CHANNEL[0];
    this.y.value = plate[1] - PLATE_CHANNEL[1];
    placeMocap(this.simulation, this.netSlot, net);
  }

  /**
   * Object 1 = the plate's centre and orientation (always upright: identity, w x y z; the
   * reference reports the same orientation as scipy's x y z w); object 2 unused.
   */
  observeObjects(out: Float32Array, offset: number): void {
    const at = 3 * this.plateGeom;
    const positions = this.simulation.geomXpos;
    out[offset] = positions[at]!;
    out[offset + 1] = positions[at + 1]!;
    out[offset + 2] = positions[at + 2]!;
    out[offset + 3] = 1;
    out[offset + 4] = 0;
    out[offset + 5] = 0;
    out[offset + 6] = 0;
    clearObjectSlot(out, offset + 7);
  }
}
