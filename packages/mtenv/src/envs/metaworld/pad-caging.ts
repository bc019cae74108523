import { hamacherProduct, tolerance, type Vec3 } from "./reward-shaping.js";
import type { GripperReadings } from "./task.js";

/**
 * The grasp term that sweep, sweep-into, soccer and push-back define for themselves in the
 * reference (an override of the shared caging reward that ignores the commanded gripper action): in [0, 1],
 * half "caging" — each finger pad between `objectRadius` and 5 cm from the object in y (the +y
 * pad above it, the −y pad below), the TCP within `xzMargin` of it in x–z — and half "gripping",
 * the same pads within `gripMargin`, counted only once caging exceeds 0.95.
 *
 * Margins: each pad's |‖object y − that pad's y at reset‖ − 0.05|; x–z: the x–z distance between
 * the object's reference start and the TCP at reset, less `xzMargin`.
 */
export interface PadCagingOptions {
  /** Pads closer than this in y count as pushing into the object. */
  readonly objectRadius: number;
  /** Upper bound of the gripping band (the reference's grip_success_margin). */
  readonly gripMargin: number;
  /** The TCP within this x–z distance of the object is over it (the reference's x_z_success_margin). */
  readonly xzMargin: number;
}

/** The reference's pad_success_margin: pads within 5 cm of the object cage it. */
const PAD_CAGING_BOUND = 0.05;

export function padCagingGrasp(gripper: GripperReadings, object: Vec3, objectStart: Vec3, options: PadCagingOptions): number {
  const { objectRadius, gripMargin, xzMargin } = options;
  const highOffset = gripper.padHighY - object[1];
  const lowOffset = object[1] - gripper.padLowY;
  const highMargin = Math.abs(Math.abs(object[1] - gripper.initialPadHighY) - PAD_CAGING_BOUND);
  const lowMargin = Math.abs(Math.abs(object[1] - gripper.initialPadLowY) - PAD_CAGING_BOUND);
  const cagingY = hamacherProduct(
    tolerance(lowOffset, objectRadius, PAD_CAGING_BOUND, lowMargin, "long_tail"),
    tolerance(highOffset, objectRadius, PAD_CAGING_BOUND, highMargin, "long_tail"),
  );
  const grippingY = hamacherProduct(
    tolerance(lowOffset, objectRadius, gripMargin, lowMargin, "long_tail"),
    tolerance(highOffset, objectRadius, gripMargin, highMargin, "long_tail"),
  );
  const tcp = gripper.tcp;
  const initialTcp = gripper.initialTcp;
  const xzStartMargin = Math.hypot(objectStart[0] - initialTcp[0]!, objectStart[2] - initialTcp[2]!) - xzMargin;
  const cagingXZ = tolerance(Math.hypot(tcp[0]! - object[0], tcp[2]! - object[2]), 0, xzMargin, xzStartMargin, "long_tail");
  const caging = hamacherProduct(cagingY, cagingXZ);
  const gripping = caging > 0.95 ? grippingY : 0;
  return (caging + gripping) / 2;
}
