import { Observation } from "./observation-layout.js";
import type { Vec3 } from "./reward-shaping.js";
import { TCP_BELOW_MOCAP } from "./scene.js";

/**
 * The motion primitives every scripted expert is written in: where the expert thinks the TCP is,
 * and a proportional step of the TCP towards a target with a gripper command.
 */

/** Proportional gain of the scripted experts: full speed when 10 cm or more from the target. */
export const EXPERT_GAIN = 10;

/**
 * Where the experts think the TCP is: obs[0:3] is the hand's mocap point, TCP_BELOW_MOCAP above
 * the TCP (the fingers' compliance moves the true TCP by millimetres, which the gains absorb).
 */
export function expertTcp(observation: Float32Array): Vec3 {
  return [observation[Observation.hand]!, observation[Observation.hand + 1]!, observation[Observation.hand + 2]! - TCP_BELOW_MOCAP];
}

/** Writes a P-controller action moving the TCP towards `target` with gripper action `grip` (≤ 0 open, > 0 close). */
export function moveTowards(observation: Float32Array, target: Vec3, grip: number, action: Float32Array, gain = EXPERT_GAIN): void {
  const tcp = expertTcp(observation);
  for (let axis = 0; axis < 3; axis++) {
    const error = target[axis]! - tcp[axis]!;
    action[axis] = Math.max(-1, Math.min(1, error * gain));
  }
  action[3] = grip;
}
