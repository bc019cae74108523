import { expertTcp, moveTowards } from "./expert-motion.js";
import type { Vec3 } from "./reward-shaping.js";
import type { ExpertPolicy } from "./task.js";

/**
 * A scripted expert for objects that turn about a vertical axis (the dial, the faucet handle):
 * come down with the fingers beside the turning arm, then keep pushing the arm's side round
 * the axis, aiming a little ahead of its current angle, until the episode ends.
 *
 * Angles follow one convention: at angle θ the arm points along (sin θ, −cos θ) from the axis
 * (towards the robot, −y, at θ = 0), so increasing θ swings it towards +x.
 */

/** Where the turning object is this step, as the expert reads it from the observation. */
export interface RotaryState {
  /** The axis's x and y (z is ignored). */
  readonly axis: Vec3;
  /** The arm's angle θ (see the file's comment). */
  readonly angle: number;
}

export interface RotaryPushOptions {
  /** Reads the axis and the arm's angle from the observation. */
  readonly read: (observation: Float32Array) => RotaryState;
  /** How far out along the arm the pads push (metres from the axis). */
  readonly radius: number;
  /** The TCP's distance from the arm's centre line: the arm's half-width plus a pad's half-width and some play. */
  readonly sideOffset: number;
  /** +1 turns the arm towards +θ, −1 towards −θ. */
  readonly direction: 1 | -1;
  /** Height of the TCP while pushing. */
  readonly pushHeight: number;
  /** Height the TCP travels at before coming down beside the arm. */
  readonly clearance: number;
  /** The commanded gripper action throughout (the reward of some tasks reads it). */
  readonly grip: number;
  /** How far ahead of the arm's angle the push point is aimed (radians). */
  readonly lead?: number;
}

/** The TCP point beside the arm at angle `angle`, on the side that pushes it towards `direction`. */
export function besideArm(axis: Vec3, angle: number, options: RotaryPushOptions): Vec3 {
  const sin = Math.sin(angle);
  const cos = Math.cos(angle);
  const back = -options.direction * options.sideOffset;
  // Out along the arm (sin, −cos), then back against the turning direction (cos, sin).
  return [axis[0] + options.radius * sin + back * cos, axis[1] - options.radius * cos + back * sin, options.pushHeight];
}

export function rotaryPushExpert(options: RotaryPushOptions): ExpertPolicy {
  const lead = options.lead ?? 0.3;
  let placed = false;
  return {
    act(observation, action) {
      const { axis, angle } = options.read(observation);
      const contact = besideArm(axis, angle, options);
      const tcp = expertTcp(observation);
      const horizontalError = Math.hypot(tcp[0] - contact[0], tcp[1] - contact[1]);
      if (!placed && horizontalError < 0.008 && Math.abs(tcp[2] - contact[2]) < 0.012) placed = true;
      // Lost contact (the arm slipped past the pads): go round again.
      if (placed && horizontalError > 0.05) placed = false;
      if (!placed) {
        const aloft = tcp[2] >= options.clearance - 0.02;
        if (horizontalError > 0.012 && !aloft) moveTowards(observation, [tcp[0], tcp[1], options.clearance], options.grip, action);
        else moveTowards(observation, horizontalError > 0.012 ? [contact[0], contact[1], options.clearance] : contact, options.grip, action);
        return;
      }
      moveTowards(observation, besideArm(axis, angle + options.direction * lead, options), options.grip, action);
    },
  };
}
