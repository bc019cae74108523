import { MujocoError } from "../../core/errors.js";
import type { MujocoSimulation } from "../mujoco/simulation.js";
import type { Vec3 } from "./reward-shaping.js";

/**
 * Small typed helpers the tasks use to place and read their objects, so that task files speak in
 * positions and angles rather than qpos addresses.
 */

/**
 * The mocap slot of the mocap body `bodyName`. The adapter does not expose body_mocapid, so the
 * slot is found by moving each mocap target in turn and seeing which one the body follows.
 */
export function mocapSlot(simulation: MujocoSimulation, bodyName: string): number {
  const body = simulation.id("body", bodyName);
  const saved = Float64Array.from(simulation.mocapPos);
  try {
    for (let slot = 0; slot < simulation.nmocap; slot++) {
      simulation.mocapPos.set(saved);
      simulation.mocapPos[3 * slot + 2] = saved[3 * slot + 2]! + 1000;
      simulation.forward();
      if (Math.abs(simulation.xpos[3 * body + 2]! - simulation.mocapPos[3 * slot + 2]!) < 1e-9) return slot;
    }
  } finally {
    simulation.mocapPos.set(saved);
    simulation.forward();
  }
  throw new MujocoError(`Body "${bodyName}" of "${simulation.label}" is not a mocap body; declare it with mocap="true".`);
}

/** Moves a mocap body (a fixture's base) to `position`. */
export function placeMocap(simulation: MujocoSimulation, slot: number, position: Vec3): void {
  simulation.mocapPos.set(position, 3 * slot);
}

/** A free joint's handle: qpos address of its position (3) and quaternion (4). */
export class FreeJoint {
  readonly qposAddress: number;
  readonly qvelAddress: number;
  constructor(
    private readonly simulation: MujocoSimulation,
    jointName: string,
  ) {
    this.qposAddress = simulation.jointQposAddress(jointName);
    this.qvelAddress = simulation.jointDofAddress(jointName);
  }

  /** Puts the body at `position`, upright, at rest. */
  place(position: Vec3): void {
    const qpos = this.simulation.qpos;
    const at = this.qposAddress;
    qpos[at] = position[0];
    qpos[at + 1] = position[1];
    qpos[at + 2] = position[2];
    qpos[at + 3] = 1;
    qpos[at + 4] = 0;
    qpos[at + 5] = 0;
    qpos[at + 6] = 0;
    this.simulation.qvel.fill(0, this.qvelAddress, this.qvelAddress + 6);
  }

  /** Writes the quaternion w, x, y, z (4 values) into `out` at `offset`. */
  observeQuaternion(out: Float32Array, offset: number): void {
    const qpos = this.simulation.qpos;
    for (let i = 0; i < 4; i++) out[offset + i] = qpos[this.qposAddress + 3 + i]!;
  }

  /** Writes position (3) and quaternion w, x, y, z (4) into `out` at `offset`. */
  observe(out: Float32Array, offset: number): void {
    const qpos = this.simulation.qpos;
    for (let i = 0; i < 7; i++) out[offset + i] = qpos[this.qposAddress + i]!;
  }
}

/** A hinge or slide joint's position. */
export class ScalarJoint {
  private readonly qposAddress: number;
  constructor(
    private readonly simulation: MujocoSimulation,
    jointName: string,
  ) {
    this.qposAddress = simulation.jointQposAddress(jointName);
  }
  get value(): number {
    return this.simulation.qpos[this.qposAddress]!;
  }
  set value(position: number) {
    this.simulation.qpos[this.qposAddress] = position;
  }
}

/** Writes a site's world position into `out` at `offset`. */
export function observeSite(simulation: MujocoSimulation, siteId: number, out: Float32Array, offset: number): void {
  const sites = simulation.siteXpos;
  out[offset] = sites[3 * siteId]!;
  out[offset + 1] = sites[3 * siteId + 1]!;
  out[offset + 2] = sites[3 * siteId + 2]!;
}

/** Writes a body's orientation as a unit quaternion (w, x, y, z) into `out` at `offset`. */
export function observeBodyQuaternion(simulation: MujocoSimulation, bodyId: number, out: Float32Array, offset: number): void {
  const m = simulation.xmat;
  const at = 9 * bodyId;
  const [r00, r01, r02, r10, r11, r12, r20, r21, r22] = [m[at]!, m[at + 1]!, m[at + 2]!, m[at + 3]!, m[at + 4]!, m[at + 5]!, m[at + 6]!, m[at + 7]!, m[at + 8]!];
  // Shepperd's method: branch on the largest diagonal term for numerical stability.
  const trace = r00 + r11 + r22;
  let w: number, x: number, y: number, z: number;
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2;
    w = s / 4;
    x = (r21 - r12) / s;
    y = (r02 - r20) / s;
    z = (r10 - r01) / s;
  } else if (r00 > r11 && r00 > r22) {
    const s = Math.sqrt(1 + r00 - r11 - r22) * 2;
    w = (r21 - r12) / s;
    x = s / 4;
    y = (r01 + r10) / s;
    z = (r02 + r20) / s;
  } else if (r11 > r22) {
    const s = Math.sqrt(1 + r11 - r00 - r22) * 2;
    w = (r02 - r20) / s;
    x = (r01 + r10) / s;
    y = s / 4;
    z = (r12 + r21) / s;
  } else {
    const s = Math.sqrt(1 + r22 - r00 - r11) * 2;
    w = (r10 - r01) / s;
    x = (r02 + r20) / s;
    y = (r12 + r21) / s;
    z = s / 4;
  }
  // One sign convention (w ≥ 0), so that equal orientations give equal observations.
  const sign = w < 0 ? -1 : 1;
  out[offset] = sign * w;
  out[offset + 1] = sign * x;
  out[offset + 2] = sign * y;
  out[offset + 3] = sign * z;
}

/** Zeros an unused object slot (position + quaternion). */
export function clearObjectSlot(out: Float32Array, offset: number): void {
  out.fill(0, offset, offset + 7);
}
