import { closingEffort, hamacherProduct, tolerance, type Vec3 } from "./reward-shaping.js";
import type { GripperReadings } from "./task.js";

/**
 * The reference's grasp ("caging and gripping") reward, written from its definition in
 * SawyerXYZEnv._gripper_caging_reward: in [0, 1], high when each finger pad is between
 * `objectRadius` and `padThreshold` from the object in y, the TCP is over it in x–z, and — once
 * that caging is nearly perfect (> 0.97) — the commanded gripper action is closing.
 */
export interface CagingOptions {
  /** The object's radius: pads closer than this in y count as pushing into it. */
  readonly objectRadius: number;
  /** Pads within this y distance of the object cage it. */
  readonly padThreshold: number;
  /** The TCP within this x–z distance of the object is over it. */
  readonly xzThreshold: number;
  /** Averages in the caging term alone (the reference's high_density). */
  readonly highDensity?: boolean;
  /** Averages in a reach term with this radius (the reference's medium_density). */
  readonly mediumDensityReachRadius?: number;
  /**
   * The commanded a[3] that counts as fully gripping (the reference's desired_gripper_effort,
   * default 1): the gripping factor is min(max(0, a[3]), effort) / effort.
   */
  readonly desiredGripperEffort?: number;
}

export function cagingReward(gripper: GripperReadings, object: Vec3, objectStart: Vec3, options: CagingOptions): number {
  const { objectRadius, padThreshold } = options;
  // Each pad: its y distance to the object now, with a margin from its distance to the object's start.
  const padCaging = (padY: number): number => {
    const margin = Math.abs(Math.abs(padY - objectStart[1]) - padThreshold);
    return tolerance(Math.abs(padY - object[1]), objectRadius, padThreshold, margin, "long_tail");
  };
  const cagingY = hamacherProduct(padCaging(gripper.padHighY), padCaging(gripper.padLowY));
  const cagingXZ = xzCaging(gripper, object, objectStart, options.xzThreshold);
  return combineCaging(cagingY, cagingXZ, gripper, object, objectStart, options);
}

/**
 * pick-place's own variant: the pads' signed y offsets from the object (the +y pad above it, the
 * −y pad below), margins from the pads' positions at reset, object radius 0.015, pads within
 * 0.05, TCP within 0.005 in x–z, high density.
 */
export function pickPlaceCagingReward(gripper: GripperReadings, object: Vec3, objectStart: Vec3): number {
  const padThreshold = 0.05;
  const objectRadius = 0.015;
  const highMargin = Math.abs(Math.abs(object[1] - gripper.initialPadHighY) - padThreshold);
  const lowMargin = Math.abs(Math.abs(object[1] - gripper.initialPadLowY) - padThreshold);
  const high = tolerance(gripper.padHighY - object[1], objectRadius, padThreshold, highMargin, "long_tail");
  const low = tolerance(object[1] - gripper.padLowY, objectRadius, padThreshold, lowMargin, "long_tail");
  const cagingXZ = xzCaging(gripper, object, objectStart, 0.005);
  return combineCaging(hamacherProduct(high, low), cagingXZ, gripper, object, objectStart, { objectRadius, padThreshold, xzThreshold: 0.005, highDensity: true });
}

function xzCaging(gripper: GripperReadings, object: Vec3, objectStart: Vec3, xzThreshold: number): number {
  const tcp = gripper.tcp;
  const initialTcp = gripper.initialTcp;
  const margin = Math.hypot(objectStart[0] - initialTcp[0]!, objectStart[2] - initialTcp[2]!) - xzThreshold;
  return tolerance(Math.hypot(tcp[0]! - object[0], tcp[2]! - object[2]), 0, xzThreshold, margin, "long_tail");
}

function combineCaging(cagingY: number, cagingXZ: number, gripper: GripperReadings, object: Vec3, objectStart: Vec3, options: CagingOptions): number {
  const caging = hamacherProduct(cagingY, cagingXZ);
  const effort = options.desiredGripperEffort ?? 1;
  const gripping = caging > 0.97 ? Math.min(closingEffort(gripper.gripperAction), effort) / effort : 0;
  let cagingAndGripping = hamacherProduct(caging, gripping);
  if (options.highDensity === true) cagingAndGripping = (cagingAndGripping + caging) / 2;
  const reachRadius = options.mediumDensityReachRadius;
  if (reachRadius !== undefined) {
    const tcp = gripper.tcp;
    const initialTcp = gripper.initialTcp;
    const startDistance = Math.hypot(objectStart[0] - initialTcp[0]!, objectStart[1] - initialTcp[1]!, objectStart[2] - initialTcp[2]!);
    const reach = tolerance(Math.hypot(object[0] - tcp[0]!, object[1] - tcp[1]!, object[2] - tcp[2]!), 0, reachRadius, Math.abs(startDistance - reachRadius), "long_tail");
    cagingAndGripping = (cagingAndGripping + reach) / 2;
  }
  return cagingAndGripping;
}

/** Distance from the TCP to a point. */
export function tcpDistance(gripper: GripperReadings, point: Vec3): number {
  const tcp = gripper.tcp;
  return Math.hypot(point[0] - tcp[0]!, point[1] - tcp[1]!, point[2] - tcp[2]!);
}

/** The same for the TCP right after reset. */
export function initialTcpDistance(gripper: GripperReadings, point: Vec3): number {
  const tcp = gripper.initialTcp;
  return Math.hypot(point[0] - tcp[0]!, point[1] - tcp[1]!, point[2] - tcp[2]!);
}
