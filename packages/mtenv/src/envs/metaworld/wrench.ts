import type { MujocoSimulation } from "../mujoco/simulation.js";
import { cagingReward, type CagingOptions } from "./gripper-caging.js";
import { Observation, objectPosition } from "./observation-layout.js";
import { readPoint, scratchPoint } from "./point-scratch.js";
import type { Vec3 } from "./reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, observeSite, placeMocap } from "./scene-access.js";
import { SceneColors, vec } from "./scene.js";
import type { ExpertPolicy, GripperReadings } from "./task.js";
import { expertTcp, moveTowards } from "./expert-motion.js";
import { GripApproach } from "./grip-approach.js";

/**
 * The wrench ("round nut") and peg of assembly and disassemble: a ring of eight capsules with a
 * handle, and a fixed upright peg the ring fits over.
 *
 * In the wrench's own frame the handle points along −y, as in the reference; every configuration
 * lays it down turned a quarter turn about z (quaternion (√½, 0, 0, √½)), so that the handle
 * points +x, 13 cm from the ring's centre — the orientation the reference's level term rewards.
 */

/** The ring: eight capsules of radius 1.9 cm on a circle of radius 4.8 cm (inside clear radius ≈ 2.5 cm). */
const RING_RADIUS = 0.048;
const RING_TUBE = 0.019;
/** The handle's observed point (the reference's RoundNut-8 site) lies this far from the ring's centre. */
export const HANDLE_FROM_CENTRE = 0.13;
/** The peg: radius 2 cm. */
const PEG_RADIUS = 0.02;
/** A wrench lying flat rests with its ring's centre at the tube's radius. */
export const WRENCH_REST_Z = RING_TUBE;
/** The wrench's orientation when laid down (and the reference's "level" target). */
const LAID_DOWN_QUATERNION = [Math.SQRT1_2, 0, 0, Math.SQRT1_2] as const;
/**
 * Half the reference's handle length: while the hand is within this of the handle in x, the
 * caging reward is computed at the hand's x (the handle is long, not a sphere).
 */
const HANDLE_REACH_X = 0.02 / 2;

/** MJCF of the wrench (free body) and the peg (a mocap body, top at `pegTopZ` above its foot on the table). */
export function wrenchWorldbody(pegTopZ: number): string {
  const ring = Array.from({ length: 8 }, (_, i) => {
    const a0 = (i * Math.PI) / 4;
    const a1 = ((i + 1) * Math.PI) / 4;
    const from = [RING_RADIUS * Math.cos(a0), RING_RADIUS * Math.sin(a0), 0];
    const to = [RING_RADIUS * Math.cos(a1), RING_RADIUS * Math.sin(a1), 0];
    return `      <geom name="ring_${i}" type="capsule" class="freeObject" fromto="${vec(...from, ...to)}" size="${RING_TUBE}" mass="0.005" rgba="0.6 0.62 0.65 1"/>`;
  }).join("\n");
  return `    <body name="wrench" pos="${vec(0, 0.6, WRENCH_REST_Z)}" quat="${vec(...LAID_DOWN_QUATERNION)}">
      <freejoint name="wrench"/>
${ring}
      <geom name="wrench_shaft" type="cylinder" class="freeObject" fromto="0 -0.05 0 0 -0.111 0" size="0.012" mass="0.005" rgba="0.6 0.62 0.65 1"/>
      <geom name="wrench_handle" type="box" class="freeObject" condim="4" pos="${vec(0, -HANDLE_FROM_CENTRE, 0)}" size="0.019 0.038 0.016" mass="0.01" rgba="0.2 0.6 0.3 1"/>
      <site name="wrench_centre" pos="0 0 0" size="0.004"/>
      <site name="wrench_handle" pos="${vec(0, -HANDLE_FROM_CENTRE, 0)}" size="0.005"/>
    </body>
    <body name="peg" mocap="true" pos="0 0.8 0">
      <geom name="peg" type="cylinder" class="fixture" pos="${vec(0, 0, pegTopZ / 2)}" size="${vec(PEG_RADIUS, pegTopZ / 2)}" rgba="${SceneColors.accent}"/>
      <site name="peg_top" pos="${vec(0, 0, pegTopZ)}" size="0.005" rgba="${SceneColors.goal}"/>
    </body>`;
}

/**
 * The wrench and peg of one simulation: the wrench laid down with its ring's centre at
 * `wrenchCentre`, the peg's foot at `pegFoot`; object 1 = the handle point and the wrench's
 * orientation, object 2 unused (as in the reference).
 */
export class WrenchScene {
  private readonly wrench: FreeJoint;
  private readonly pegSlot: number;
  private readonly centreSite: number;
  private readonly handleSite: number;
  private readonly centre = new Float32Array(3);

  constructor(private readonly simulation: MujocoSimulation) {
    this.wrench = new FreeJoint(simulation, "wrench");
    this.pegSlot = mocapSlot(simulation, "peg");
    this.centreSite = simulation.id("site", "wrench_centre");
    this.handleSite = simulation.id("site", "wrench_handle");
  }

  reset(wrenchCentre: Vec3, pegFoot: Vec3): void {
    this.wrench.place(wrenchCentre);
    this.simulation.qpos.set(LAID_DOWN_QUATERNION, this.wrench.qposAddress + 3);
    placeMocap(this.simulation, this.pegSlot, pegFoot);
  }

  observeObjects(out: Float32Array, offset: number): void {
    observeSite(this.simulation, this.handleSite, out, offset);
    this.wrench.observeQuaternion(out, offset + 3);
    clearObjectSlot(out, offset + 7);
  }

  /** The ring's centre (the reference's RoundNut site), world coordinates (valid until the next call). */
  readCentre(): Float32Array {
    observeSite(this.simulation, this.centreSite, this.centre, 0);
    return this.centre;
  }
}

/**
 * The reference's level term of both wrench tasks: 1 − ‖q − (0.707, 0, 0, 0.707)‖ / 0.4, floored
 * at 0, for the observed quaternion q (w first): 1 lying flat with the handle along +x.
 */
export function wrenchLevelReward(observation: Float32Array): number {
  const at = Observation.object1Quaternion;
  const error = Math.hypot(observation[at]! - 0.707, observation[at + 1]!, observation[at + 2]!, observation[at + 3]! - 0.707);
  return Math.max(1 - error / 0.4, 0);
}

/**
 * The caging options of the wrench tasks' grasp term: object radius 0.015, pads within 0.02, TCP
 * within 0.01 in x–z, plus the task's own density (built once per task).
 */
export function wrenchGraspOptions(density: Pick<CagingOptions, "highDensity" | "mediumDensityReachRadius">): CagingOptions {
  return { objectRadius: 0.015, padThreshold: 0.02, xzThreshold: 0.01, ...density };
}

const graspTarget = scratchPoint();
const centreAtStart = scratchPoint();

/**
 * The reference's grasp term of both wrench tasks: the caging reward (`options` from
 * wrenchGraspOptions) on the handle point with its x replaced by the hand's while the hand
 * (obs[0:3]) is within 1 cm of it in x. Its margins start from the ring's centre at reset (the
 * reference's obj_init_pos), not the handle: the handle observed at reset less HANDLE_FROM_CENTRE
 * in x, as every configuration lays it.
 */
export function wrenchGraspReward(observation: Float32Array, initial: Float32Array, gripper: GripperReadings, options: CagingOptions): number {
  readPoint(graspTarget, observation, Observation.object1Position);
  const handX = observation[Observation.hand]!;
  if (Math.abs(graspTarget[0] - handX) < HANDLE_REACH_X) graspTarget[0] = handX;
  readPoint(centreAtStart, initial, Observation.object1Position, -HANDLE_FROM_CENTRE);
  return cagingReward(gripper, graspTarget, centreAtStart, options);
}

/** The experts grip the handle this far −x of its observed point (within the 1 cm the grasp term counts as over it). */
const GRIP_BEHIND_HANDLE = 0.005;

/**
 * The scripted wrench expert of both tasks: over the handle, down with the fingers open, close,
 * then carry the wrench by moving the TCP to `carryTarget` (given the handle point and the
 * observation); re-approaches if the handle slips out of the fingers.
 */
export function wrenchExpert(carryTarget: (handle: Vec3, observation: Float32Array) => Vec3): ExpertPolicy {
  const approach = new GripApproach({ closeWithin: 0.006, closingSteps: 12 });
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const handle = objectPosition(observation);
      const grip: Vec3 = [handle[0] - GRIP_BEHIND_HANDLE, handle[1], handle[2]];
      if (!approach.advance(observation, tcp, grip, action)) return;
      const target = carryTarget(handle, observation);
      moveTowards(observation, [target[0] - GRIP_BEHIND_HANDLE, target[1], target[2]], 1, action);
    },
  };
}
