import type { MujocoSimulation } from "../mujoco/simulation.js";
import { Observation } from "./observation-layout.js";
import type { Vec3 } from "./reward-shaping.js";
import { FreeJoint, ScalarJoint, clearObjectSlot, mocapSlot, observeSite, placeMocap } from "./scene-access.js";
import { SceneColors, vec } from "./scene.js";
import type { BoundTask, GripperReadings, StepEvaluation, TaskConfiguration } from "./task.js";

/**
 * The stick and the thermos of stick-push and stick-pull: a 10 cm stick lying along x on the
 * table, and a thermos that slides on the table along two rails (x and y), with a handle loop on
 * its −y side that the stick can be pushed through.
 *
 * The thermos drifts: in the reference (measured with its own package, 2026-11-30) the thermos
 * slides by itself +x to the end of its rail within ≈ 35 steps of every reset (0.2 m at ≈ 6 mm
 * per step, with zero actions; its meshes rest in the table), so its goals lie near that end of
 * the rail (stick-push x 0.4, stick-pull x 0.35–0.45). Ours reproduces that with a spring on the
 * x rail pulling towards beyond its end (THERMOS_RAIL_SPRING), so the thermos arrives in about the
 * same time and stays pressed against the end (≈ 2.7 N), where the reference's goals expect it.
 */

/** Half-extents of the stick (10 cm along x, 4 cm square across), resting on the table. */
export const STICK_HALF_SIZE: Vec3 = [0.05, 0.02, 0.02];
/** The thermos's rail origin (its body position with both rails at 0); the reference's obj_init_pos. */
export const THERMOS_RAIL_ORIGIN: Vec3 = [0.2, 0.6, 0];
/** Each rail's travel either way (the reference's ±0.2); the drift ends at +THERMOS_RAIL_TRAVEL in x. */
export const THERMOS_RAIL_TRAVEL = 0.2;
/** Height of the thermos's observed point (its handle loop's centre, the reference's insertion site). */
export const THERMOS_POINT_HEIGHT = 0.132;
/** The handle loop's centre lies this far −y of the thermos's axis. */
export const HANDLE_OFFSET_Y = -0.09;
/**
 * The x rail's spring (stiffness N/m, reference point beyond the rail's end, damping N·s/m): with
 * k/d ≈ 2.7 /s the thermos covers the 0.2 m in ≈ 0.4 s (≈ 33 steps) like the reference's drift.
 */
const THERMOS_RAIL_SPRING = { stiffness: 27, reference: 0.3, damping: 10 } as const;

/** Contacts: the thermos touches the stick and the finger pads, never the table (its rails hold its height). */
const THERMOS_CONTACT = 'contype="4" conaffinity="5"';

/** MJCF of the stick (free body) and the thermos (on its rails), the handle loop included when `withHandle`. */
export function stickAndThermosWorldbody(withHandle: boolean): string {
  const [sx, sy, sz] = STICK_HALF_SIZE;
  const spring = THERMOS_RAIL_SPRING;
  const part = (name: string, type: string, pos: Vec3, size: readonly number[], rgba: string): string =>
    `      <geom name="${name}" type="${type}" ${THERMOS_CONTACT} condim="3" pos="${vec(...pos)}" size="${vec(...size)}" rgba="${rgba}"/>`;
  const handle = withHandle
    ? [
        // The loop: an outer upright and two bars back to the body, open along x for the stick.
        part("thermos_handle_upright", "box", [0, HANDLE_OFFSET_Y - 0.045, THERMOS_POINT_HEIGHT], [0.01, 0.005, 0.068], SceneColors.handle),
        part("thermos_handle_top", "box", [0, HANDLE_OFFSET_Y, THERMOS_POINT_HEIGHT + 0.063], [0.01, 0.04, 0.005], SceneColors.handle),
        part("thermos_handle_bottom", "box", [0, HANDLE_OFFSET_Y, THERMOS_POINT_HEIGHT - 0.063], [0.01, 0.04, 0.005], SceneColors.handle),
      ].join("\n")
    : "";
  return `    <body name="stick" pos="${vec(-0.05, 0.6, sz)}">
      <freejoint name="stick"/>
      <geom name="stick" type="box" class="freeObject" condim="4" size="${vec(sx, sy, sz)}" mass="0.05" rgba="0.15 0.3 0.5 1"/>
      <site name="stick_end" pos="${vec(sx, 0, 0)}" size="0.005"/>
    </body>
    <body name="thermos" pos="${vec(...THERMOS_RAIL_ORIGIN)}">
      <joint name="thermos_x" type="slide" axis="1 0 0" range="${vec(-THERMOS_RAIL_TRAVEL, THERMOS_RAIL_TRAVEL)}" damping="${spring.damping}" stiffness="${spring.stiffness}" springref="${spring.reference}"/>
      <joint name="thermos_y" type="slide" axis="0 1 0" range="${vec(-THERMOS_RAIL_TRAVEL, THERMOS_RAIL_TRAVEL)}" damping="5"/>
      ${part("thermos_base", "cylinder", [0, 0, 0.021], [0.062, 0.02], SceneColors.cabinet).trim()}
      ${part("thermos_body", "cylinder", [0, 0, 0.14], [0.06, 0.1], "0.3 0.6 0.4 1").trim()}
      ${part("thermos_cap", "cylinder", [0, 0, 0.265], [0.045, 0.025], SceneColors.cabinet).trim()}
${handle}
      <site name="thermos_axis" pos="${vec(0, 0, THERMOS_POINT_HEIGHT)}" size="0.005"/>
      <site name="thermos_handle" pos="${vec(0, HANDLE_OFFSET_Y, THERMOS_POINT_HEIGHT)}" size="0.005"/>
      <inertial pos="0 0 0.12" mass="1" diaginertia="0.01 0.01 0.01"/>
    </body>
    <body name="goal_marker" mocap="true" pos="0.4 0.6 0.132">
      <geom name="goal_marker" type="sphere" class="decor" size="0.018" rgba="${SceneColors.goal}"/>
    </body>`;
}

/** Where a stick task's thermos is observed: its axis at handle height (stick-push) or its handle loop (stick-pull). */
export type ThermosPoint = "axis" | "handle";

/**
 * The stick and thermos of one simulation: placed per configuration (stick at `object`, the
 * thermos's y rail at `thermosStartY`), observed as object 1 = the stick's centre and orientation,
 * object 2 = the thermos point with a zero quaternion (as the reference reports it).
 */
export class StickAndThermos {
  private readonly stick: FreeJoint;
  private readonly railX: ScalarJoint;
  private readonly railY: ScalarJoint;
  private readonly railXVelocity: number;
  private readonly thermosSite: number;
  private readonly stickEndSite: number;
  private readonly goalSlot: number;
  private readonly stickEnd = new Float32Array(3);

  constructor(
    private readonly simulation: MujocoSimulation,
    point: ThermosPoint,
    private readonly thermosStartY: number,
  ) {
    this.stick = new FreeJoint(simulation, "stick");
    this.railX = new ScalarJoint(simulation, "thermos_x");
    this.railY = new ScalarJoint(simulation, "thermos_y");
    this.railXVelocity = simulation.jointDofAddress("thermos_x");
    this.thermosSite = simulation.id("site", point === "axis" ? "thermos_axis" : "thermos_handle");
    this.stickEndSite = simulation.id("site", "stick_end");
    this.goalSlot = mocapSlot(simulation, "goal_marker");
  }

  reset(configuration: TaskConfiguration): void {
    this.stick.place(configuration.object);
    this.railX.value = 0;
    this.railY.value = this.thermosStartY;
    this.simulation.qvel.fill(0, this.railXVelocity, this.railXVelocity + 2);
    placeMocap(this.simulation, this.goalSlot, configuration.goal);
  }

  observeObjects(out: Float32Array, offset: number): void {
    this.stick.observe(out, offset);
    clearObjectSlot(out, offset + 7);
    observeSite(this.simulation, this.thermosSite, out, offset + 7);
  }

  /** The far (+x) end of the stick, world coordinates (valid until the next call). */
  readStickEnd(): Float32Array {
    observeSite(this.simulation, this.stickEndSite, this.stickEnd, 0);
    return this.stickEnd;
  }
}

/** A stick task bound to a simulation; `evaluate` gets the stick and thermos to read the stick's end. */
export function bindStickTask(
  simulation: MujocoSimulation,
  point: ThermosPoint,
  thermosStartY: number,
  evaluate: (parts: StickAndThermos, observation: Float32Array, initial: Float32Array, gripper: GripperReadings) => StepEvaluation,
): BoundTask {
  const parts = new StickAndThermos(simulation, point, thermosStartY);
  return {
    reset: (configuration) => parts.reset(configuration),
    observeObjects: (out, offset) => parts.observeObjects(out, offset),
    evaluate: (observation, initial, gripper) => evaluate(parts, observation, initial, gripper),
  };
}

/** Object 2 (the thermos point) in `observation`. */
export function thermosPosition(observation: Float32Array): Vec3 {
  const at = Observation.object2Position;
  return [observation[at]!, observation[at + 1]!, observation[at + 2]!];
}
