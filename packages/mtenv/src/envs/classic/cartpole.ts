import { z } from "zod";
import type { Rng } from "../../core/rng.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import { parseEnvOptions } from "./env-options.js";
import { PhysicsTaskEnv } from "./physics-task-env.js";
import { initialStateOption } from "./task-vector.js";

/** Length of the task vector μ. */
export const CARTPOLE_TASK_SIZE = 5;

/** Seconds per step (explicit Euler). */
export const CARTPOLE_TIME_STEP = 0.02;
/** The episode fails when |x| exceeds this (metres). */
export const CARTPOLE_X_THRESHOLD = 2.4;
/** The episode fails when |θ| exceeds 12 degrees. */
export const CARTPOLE_ANGLE_THRESHOLD = (12 * 2 * Math.PI) / 360;

/** The physical constants one task vector μ stands for. */
export interface CartPoleParameters {
  gravity: number;
  massCart: number;
  massPole: number;
  /** Half the pole's length, as in the classic code. */
  halfPoleLength: number;
  /** Signed: a negative value makes action 1 push left. */
  forceMagnitude: number;
}

/**
 * μ ∈ [−1, 1]^5 → physics (the reference's mapping): gravity 9.8 ± 5, cart mass 1 ± 0.5,
 * pole mass 0.1 ± 0.09, pole half-length 0.5 ± 0.3, force 10·μ4 — except that μ4 = 0 exactly
 * means force 10, so the all-zero task is classic CartPole.
 */
export function cartPoleParameters(mu: ArrayLike<number>): CartPoleParameters {
  const forceTask = mu[4]!;
  return {
    gravity: 9.8 + 5 * mu[0]!,
    massCart: 1 + 0.5 * mu[1]!,
    massPole: 0.1 + 0.09 * mu[2]!,
    halfPoleLength: 0.5 + 0.3 * mu[3]!,
    forceMagnitude: forceTask === 0 ? 10 : 10 * forceTask,
  };
}

/**
 * One sentence naming the task's physical constants (the pole's full length, not the half-length
 * the dynamics use; pole mass with three decimals because it spans only 0.01–0.19 kg), e.g.
 * "Keep a pole of length 1.00 m and mass 0.100 kg upright on a cart of mass 1.00 kg under gravity
 * 9.80 m/s^2, pushing the cart with 10.00 N (action 1 pushes right)."
 */
export function cartPoleTaskDescription(parameters: Readonly<CartPoleParameters>): string {
  const { gravity, massCart, massPole, halfPoleLength, forceMagnitude } = parameters;
  const direction = forceMagnitude >= 0 ? "right" : "left";
  return (
    `Keep a pole of length ${(2 * halfPoleLength).toFixed(2)} m and mass ${massPole.toFixed(3)} kg upright on a cart of mass ${massCart.toFixed(2)} kg ` +
    `under gravity ${gravity.toFixed(2)} m/s^2, pushing the cart with ${Math.abs(forceMagnitude).toFixed(2)} N (action 1 pushes ${direction}).`
  );
}

/** MT-CartPole takes no options: every physical constant comes from the task. */
export const cartPoleOptionsSchema = z.strictObject({});
export type CartPoleOptions = z.input<typeof cartPoleOptionsSchema>;

/**
 * Classic cart-pole (Barto, Sutton & Anderson 1983, as in Gym's CartPole-v1) whose physical
 * constants are the task.
 *
 * - action: Discrete(2), 0 pushes with −force, 1 with +force (force may be negative: see above)
 * - envObs: [x, ẋ, θ, θ̇]; bounds are twice the failure thresholds so the failing state still fits
 * - task state: μ as a plain `number[]` of 5 float32 values in [−1, 1] (JSON-safe; a
 *   Float32Array is accepted too)
 * - taskObs: μ itself as a Float32Array, Box(−1, 1, [5])
 * - reward: +1 for every step, including the one that fails (Gym's convention)
 * - terminated when |x| > 2.4 or |θ| > 12°; the reference has no time limit — the registry
 *   adds 500 steps (CartPole-v1's limit) so that a good policy's episodes end.
 *
 * Reset option `initialState: [x, ẋ, θ, θ̇]` replaces the random start U(−0.05, 0.05)^4.
 */
export class MTCartPole extends PhysicsTaskEnv<number, CartPoleParameters> {
  /** [x, ẋ, θ, θ̇] in float64; observations round it to float32. */
  private readonly state = new Float64Array(4);

  constructor(options: CartPoleOptions = {}) {
    const highObs = [CARTPOLE_X_THRESHOLD * 2, Infinity, CARTPOLE_ANGLE_THRESHOLD * 2, Infinity];
    super("MTCartPole", CARTPOLE_TASK_SIZE, cartPoleParameters, new Discrete(2), new Box(highObs.map((x) => -x), highObs));
    parseEnvOptions("MTCartPole", cartPoleOptionsSchema, options);
  }

  protected describePhysics(parameters: Readonly<CartPoleParameters>): string {
    return cartPoleTaskDescription(parameters);
  }

  protected resetEnv(rng: Rng, options: Record<string, unknown>): [Float32Array, Info] {
    const initial = initialStateOption("MTCartPole", options, 4, "x, ẋ, θ, θ̇");
    for (let i = 0; i < 4; i++) this.state[i] = rng.uniform(-0.05, 0.05);
    // Draw first, then override, so the env stream advances the same way either way.
    if (initial !== undefined) this.state.set(initial);
    return [Float32Array.from(this.state), {}];
  }

  protected stepEnv(action: number): [Float32Array, number, boolean, boolean, Info] {
    const { gravity, massCart, massPole, halfPoleLength, forceMagnitude } = this.physics;
    const s = this.state;
    const x = s[0]!;
    const xDot = s[1]!;
    const theta = s[2]!;
    const thetaDot = s[3]!;
    const totalMass = massCart + massPole;
    const poleMassLength = massPole * halfPoleLength;
    const force = action === 1 ? forceMagnitude : -forceMagnitude;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    const temp = (force + poleMassLength * thetaDot * thetaDot * sinTheta) / totalMass;
    const thetaAcc = (gravity * sinTheta - cosTheta * temp) / (halfPoleLength * (4 / 3 - (massPole * cosTheta * cosTheta) / totalMass));
    const xAcc = temp - (poleMassLength * thetaAcc * cosTheta) / totalMass;
    // Explicit Euler, positions from the old velocities (the classic "euler" integrator).
    const newX = x + CARTPOLE_TIME_STEP * xDot;
    const newTheta = theta + CARTPOLE_TIME_STEP * thetaDot;
    s[0] = newX;
    s[1] = xDot + CARTPOLE_TIME_STEP * xAcc;
    s[2] = newTheta;
    s[3] = thetaDot + CARTPOLE_TIME_STEP * thetaAcc;
    const terminated = Math.abs(newX) > CARTPOLE_X_THRESHOLD || Math.abs(newTheta) > CARTPOLE_ANGLE_THRESHOLD;
    return [Float32Array.from(s), 1, terminated, false, {}];
  }
}
