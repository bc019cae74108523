import { z } from "zod";
import type { Rng } from "../../core/rng.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import { parseEnvOptions } from "./env-options.js";
import { RungeKutta4 } from "./runge-kutta.js";
import { PhysicsTaskEnv } from "./physics-task-env.js";
import { initialStateOption } from "./task-vector.js";

/** Length of the task vector μ (the reference declared a Box of 5 but read μ[6]: fixed here). */
export const ACROBOT_TASK_SIZE = 7;
/** Seconds per step, integrated by one RK4 step. */
export const ACROBOT_TIME_STEP = 0.2;
export const ACROBOT_GRAVITY = 9.8;
/**
 * Velocity bounds (rad/s). The reference raised classic Acrobot's 4π and 9π to 5π and 11π
 * because light, short links spin faster; kept, so clipping rarely distorts those tasks.
 */
export const ACROBOT_MAX_VELOCITY_1 = 5 * Math.PI;
export const ACROBOT_MAX_VELOCITY_2 = 11 * Math.PI;

/** The physical constants one task vector μ stands for. */
export interface AcrobotParameters {
  linkLength1: number;
  linkLength2: number;
  linkMass1: number;
  linkMass2: number;
  /** Distance from each joint to its link's centre of mass. */
  centreOfMass1: number;
  centreOfMass2: number;
  /** Moments of inertia about each link's centre of mass. */
  inertia1: number;
  inertia2: number;
  /** Torque applied by actions 0, 1, 2. */
  torques: readonly [number, number, number];
}

/**
 * μ ∈ [−1, 1]^7 → physics: link lengths 1 + 0.5·μ0, 1 + 0.5·μ1; masses 1 + 0.5·μ2, 1 + 0.5·μ3;
 * μ6 > 0 keeps the torque order [−1, 0, +1], otherwise it is flipped; μ4 and μ5 are unused (as
 * in the reference).
 *
 * Deliberate change from the reference: there the centres of mass stayed at 0.5 and the moments
 * of inertia at 1, so the second link's length changed only the drawing. Here each centre of
 * mass sits mid-link (l/2) and each moment of inertia scales as m·l² — both equal the classic
 * constants (0.5 and 1) at μ = 0, and every task parameter now changes the dynamics.
 */
export function acrobotParameters(mu: ArrayLike<number>): AcrobotParameters {
  const linkLength1 = 1 + 0.5 * mu[0]!;
  const linkLength2 = 1 + 0.5 * mu[1]!;
  const linkMass1 = 1 + 0.5 * mu[2]!;
  const linkMass2 = 1 + 0.5 * mu[3]!;
  return {
    linkLength1,
    linkLength2,
    linkMass1,
    linkMass2,
    centreOfMass1: linkLength1 / 2,
    centreOfMass2: linkLength2 / 2,
    inertia1: linkMass1 * linkLength1 * linkLength1,
    inertia2: linkMass2 * linkLength2 * linkLength2,
    torques: mu[6]! > 0 ? [-1, 0, 1] : [1, 0, -1],
  };
}

/**
 * One sentence naming the task's link lengths and masses (two decimals) and which way the
 * actions turn the elbow, e.g. "Swing the tip of a two-link acrobot up above the bar by turning
 * its elbow, with an upper link of length 1.00 m and mass 1.00 kg and a lower link of length
 * 1.00 m and mass 1.00 kg; action 0 applies -1 N·m and action 2 applies +1 N·m."
 */
export function acrobotTaskDescription(parameters: Readonly<AcrobotParameters>): string {
  const { linkLength1, linkLength2, linkMass1, linkMass2, torques } = parameters;
  const signed = (torque: number): string => (torque > 0 ? "+1" : "-1");
  return (
    `Swing the tip of a two-link acrobot up above the bar by turning its elbow, with an upper link of length ${linkLength1.toFixed(2)} m and mass ${linkMass1.toFixed(2)} kg ` +
    `and a lower link of length ${linkLength2.toFixed(2)} m and mass ${linkMass2.toFixed(2)} kg; action 0 applies ${signed(torques[0])} N·m and action 2 applies ${signed(torques[2])} N·m.`
  );
}

/**
 * Time derivative of [θ1, θ2, θ̇1, θ̇2] under `torque` at the second joint: the "book" equations
 * of Sutton & Barto (the ones consistent with Lagrangian mechanics; the NIPS-paper variant
 * drops a Coriolis term and does not conserve energy).
 */
export function acrobotDerivative(p: AcrobotParameters, torque: number, s: Float64Array, out: Float64Array): void {
  const { linkMass1: m1, linkMass2: m2, linkLength1: l1, centreOfMass1: lc1, centreOfMass2: lc2, inertia1: i1, inertia2: i2 } = p;
  const g = ACROBOT_GRAVITY;
  const theta1 = s[0]!;
  const theta2 = s[1]!;
  const dtheta1 = s[2]!;
  const dtheta2 = s[3]!;
  const d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
  const d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(theta2)) + i2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2);
  const phi1 =
    -m2 * l1 * lc2 * dtheta2 * dtheta2 * Math.sin(theta2) -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 = (torque + (d2 / d1) * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * Math.sin(theta2) - phi2) / (m2 * lc2 * lc2 + i2 - (d2 * d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
}

/** MT-Acrobot takes no options: every physical constant comes from the task. */
export const acrobotOptionsSchema = z.strictObject({});
export type AcrobotOptions = z.input<typeof acrobotOptionsSchema>;

/**
 * Classic Acrobot (Sutton 1996; Gym's Acrobot-v1 with "book" dynamics) whose link lengths,
 * masses and torque direction are the task.
 *
 * - action: Discrete(3), torque −1, 0, +1 at the elbow (order flipped when μ6 ≤ 0)
 * - envObs: [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]
 * - task state: μ as a plain `number[]` of 7 float32 values in [−1, 1] (JSON-safe; a
 *   Float32Array is accepted too)
 * - taskObs: μ itself as a Float32Array, Box(−1, 1, [7])
 * - reward −1 per step, 0 on the step that reaches the goal
 * - terminated when −cos θ1 − cos(θ1 + θ2) > 1, the classic goal height. It stays an angle
 *   criterion (as in the reference) so every task has the same, reachable goal whatever the
 *   link lengths. The registry adds a 500-step limit (Acrobot-v1's).
 *
 * Reset option `initialState: [θ1, θ2, θ̇1, θ̇2]` replaces the random start U(−0.1, 0.1)^4.
 */
export class MTAcrobot extends PhysicsTaskEnv<number, AcrobotParameters> {
  /** [θ1, θ2, θ̇1, θ̇2] in float64. */
  private readonly state = new Float64Array(4);
  private readonly integrator = new RungeKutta4(4);
  private torque = 0;
  private readonly derivative = (s: Float64Array, out: Float64Array): void => acrobotDerivative(this.physics, this.torque, s, out);

  constructor(options: AcrobotOptions = {}) {
    super("MTAcrobot", ACROBOT_TASK_SIZE, acrobotParameters, new Discrete(3), new Box([-1, -1, -1, -1, -ACROBOT_MAX_VELOCITY_1, -ACROBOT_MAX_VELOCITY_2], [1, 1, 1, 1, ACROBOT_MAX_VELOCITY_1, ACROBOT_MAX_VELOCITY_2]));
    parseEnvOptions("MTAcrobot", acrobotOptionsSchema, options);
  }

  protected describePhysics(parameters: Readonly<AcrobotParameters>): string {
    return acrobotTaskDescription(parameters);
  }

  protected resetEnv(rng: Rng, options: Record<string, unknown>): [Float32Array, Info] {
    const initial = initialStateOption("MTAcrobot", options, 4, "θ1, θ2, θ̇1, θ̇2");
    for (let i = 0; i < 4; i++) this.state[i] = rng.uniform(-0.1, 0.1);
    if (initial !== undefined) this.state.set(initial);
    return [this.observation(), {}];
  }

  protected stepEnv(action: number): [Float32Array, number, boolean, boolean, Info] {
    this.torque = this.physics.torques[action as 0 | 1 | 2];
    this.integrator.step(this.derivative, this.state, ACROBOT_TIME_STEP);
    const s = this.state;
    s[0] = wrapAngle(s[0]!);
    s[1] = wrapAngle(s[1]!);
    s[2] = clamp(s[2]!, ACROBOT_MAX_VELOCITY_1);
    s[3] = clamp(s[3]!, ACROBOT_MAX_VELOCITY_2);
    const terminated = -Math.cos(s[0]!) - Math.cos(s[0]! + s[1]!) > 1;
    return [this.observation(), terminated ? 0 : -1, terminated, false, {}];
  }

  private observation(): Float32Array {
    const s = this.state;
    return Float32Array.of(Math.cos(s[0]!), Math.sin(s[0]!), Math.cos(s[1]!), Math.sin(s[1]!), s[2]!, s[3]!);
  }
}

/** θ wrapped into [−π, π]. */
function wrapAngle(theta: number): number {
  const period = 2 * Math.PI;
  let wrapped = theta;
  while (wrapped > Math.PI) wrapped -= period;
  while (wrapped < -Math.PI) wrapped += period;
  return wrapped;
}

function clamp(value: number, bound: number): number {
  return Math.min(Math.max(value, -bound), bound);
}
