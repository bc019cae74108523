import { z } from "zod";
import { InvalidTaskStateError, describeValue } from "../../core/errors.js";
import { MTEnvBase } from "../../core/mt-env.js";
import type { Rng } from "../../core/rng.js";
import type { DescribesTasks, HasTaskSet } from "../../core/task-set.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { parseEnvOptions } from "./env-options.js";
import { initialStateOption } from "./task-vector.js";

export const PENDULUM_MAX_TORQUE = 2;
export const PENDULUM_MAX_SPEED = 8;
export const PENDULUM_TIME_STEP = 0.05;

/** A pendulum task: the physical constants of classic Pendulum that vary (classic: 1, 1, 10). */
export interface PendulumTask {
  mass: number;
  length: number;
  gravity: number;
}

/**
 * The range of every task parameter as [centre − halfWidth, centre + halfWidth]. The task
 * observation is each parameter normalised to [−1, 1] over its range; tasks outside it are
 * rejected (their observation would leave the task space).
 */
export const PENDULUM_TASK_RANGES: Readonly<Record<keyof PendulumTask, { centre: number; halfWidth: number }>> = {
  mass: { centre: 1, halfWidth: 0.5 },
  length: { centre: 1, halfWidth: 0.5 },
  gravity: { centre: 10, halfWidth: 5 },
};

const PARAMETER_ORDER = ["mass", "length", "gravity"] as const;

/**
 * The default task set: classic Pendulum plus three variations that stay within mass 0.8–1.2,
 * length 0.8–1.2 and gravity 8–12, where the torque limit of 2 still swings every pendulum up
 * in a few pumps. Measured with a hand-tuned energy-pumping + PD controller over 100 random
 * starts: −156 (task 0), −120 (1), −171 (2), −166 (3); the excluded corner mass 1.2, length 1.2,
 * gravity 12 scores −242, too close to the bar a multi-task learner must clear on every default
 * task (SAC: return ≥ −250).
 *
 * | task | mass | length | gravity | what changes                  |
 * |------|------|--------|---------|-------------------------------|
 * | 0    | 1.0  | 1.0    | 10      | classic Pendulum              |
 * | 1    | 0.8  | 0.8    | 12      | light and short, strong pull  |
 * | 2    | 1.2  | 1.0    | 9       | heavy: less acceleration per N·m |
 * | 3    | 1.0  | 1.2    | 8       | long and slow, weak gravity   |
 */
export const PENDULUM_DEFAULT_TASKS: readonly Readonly<PendulumTask>[] = Object.freeze([
  Object.freeze({ mass: 1.0, length: 1.0, gravity: 10 }),
  Object.freeze({ mass: 0.8, length: 0.8, gravity: 12 }),
  Object.freeze({ mass: 1.2, length: 1.0, gravity: 9 }),
  Object.freeze({ mass: 1.0, length: 1.2, gravity: 8 }),
]);

function rangeOf(name: keyof PendulumTask): [number, number] {
  const { centre, halfWidth } = PENDULUM_TASK_RANGES[name];
  return [centre - halfWidth, centre + halfWidth];
}

const taskSchema = z.strictObject({
  mass: z.number().min(rangeOf("mass")[0]).max(rangeOf("mass")[1]),
  length: z.number().min(rangeOf("length")[0]).max(rangeOf("length")[1]),
  gravity: z.number().min(rangeOf("gravity")[0]).max(rangeOf("gravity")[1]),
});

export const pendulumOptionsSchema = z.strictObject({
  /** The tasks sampleTaskState() chooses from, uniformly. Default: PENDULUM_DEFAULT_TASKS. */
  tasks: z
    .array(taskSchema)
    .min(1)
    .max(1000)
    .default(() => PENDULUM_DEFAULT_TASKS.map((task) => ({ ...task }))),
});
export type PendulumOptions = z.input<typeof pendulumOptionsSchema>;

/**
 * Classic Pendulum swing-up (Gym's Pendulum-v1) with mass, length and gravity as the task.
 *
 * - action: Box(−2, 2, [1]) torque; values outside are clipped to [−2, 2] before the dynamics
 *   and the cost (as Gym does), so an unbounded policy output is not an error
 * - envObs: [cos θ, sin θ, θ̇], θ = 0 upright
 * - taskObs: [mass, length, gravity] normalised to [−1, 1] over PENDULUM_TASK_RANGES
 * - reward −(θ² + 0.1·θ̇² + 0.001·u²) with θ normalised to [−π, π); never terminates, the
 *   registry truncates at 200 steps
 * - dynamics (semi-implicit Euler, dt 0.05): θ̇ ← clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, ±8),
 *   θ ← θ + θ̇·dt
 *
 * sampleTaskState() picks one of `tasks` (the kwargs, default PENDULUM_DEFAULT_TASKS);
 * setTaskState() accepts any parameters inside the ranges, e.g. for interpolation tests.
 * Reset option `initialState: [θ, θ̇]` replaces the random start θ ~ U(−π, π), θ̇ ~ U(−1, 1).
 */
export class MTPendulum extends MTEnvBase<Float32Array, Float32Array, Float32Array, PendulumTask> implements HasTaskSet<PendulumTask>, DescribesTasks<PendulumTask> {
  /** The tasks sampleTaskState() chooses from. */
  readonly tasks: readonly Readonly<PendulumTask>[];
  private task: PendulumTask;
  private theta = 0;
  private thetaDot = 0;

  constructor(options: PendulumOptions = {}) {
    super(
      new Box(-PENDULUM_MAX_TORQUE, PENDULUM_MAX_TORQUE, { shape: [1] }),
      new Box([-1, -1, -PENDULUM_MAX_SPEED], [1, 1, PENDULUM_MAX_SPEED]),
      new Box(-1, 1, { shape: [3] }),
    );
    const { tasks } = parseEnvOptions("MTPendulum", pendulumOptionsSchema, options);
    this.tasks = Object.freeze(tasks.map((task) => Object.freeze({ ...task })));
    this.task = { ...this.tasks[0]! };
  }

  getTaskObs(): Float32Array {
    return Float32Array.from(PARAMETER_ORDER, (name) => {
      const { centre, halfWidth } = PENDULUM_TASK_RANGES[name];
      // Clamped: float rounding at a range edge must not step outside [−1, 1].
      return Math.min(1, Math.max(-1, (this.task[name] - centre) / halfWidth));
    });
  }

  getTaskState(): PendulumTask {
    return { ...this.task };
  }

  setTaskState(state: PendulumTask): void {
    this.task = checkedPendulumTask(state);
  }

  /** The task in words, from its parameters (see pendulumTaskDescription). */
  describeTask(state: PendulumTask): string {
    return pendulumTaskDescription(checkedPendulumTask(state));
  }

  sampleTaskState(): PendulumTask {
    return { ...this.taskRng.choice(this.tasks) };
  }

  /** The ordered task set, so a multi-task trainer can run one env per task. */
  listTaskStates(): PendulumTask[] {
    return this.tasks.map((task) => ({ ...task }));
  }

  protected resetEnv(rng: Rng, options: Record<string, unknown>): [Float32Array, Info] {
    const initial = initialStateOption("MTPendulum", options, 2, "θ, θ̇");
    this.theta = rng.uniform(-Math.PI, Math.PI);
    this.thetaDot = rng.uniform(-1, 1);
    if (initial !== undefined) {
      this.theta = initial[0]!;
      this.thetaDot = initial[1]!;
    }
    return [this.observation(), {}];
  }

  protected stepEnv(action: Float32Array): [Float32Array, number, boolean, boolean, Info] {
    const { mass, length, gravity } = this.task;
    const torque = Math.min(Math.max(action[0]!, -PENDULUM_MAX_TORQUE), PENDULUM_MAX_TORQUE);
    const angle = normalizeAngle(this.theta);
    const cost = angle * angle + 0.1 * this.thetaDot * this.thetaDot + 0.001 * torque * torque;
    const acceleration = ((3 * gravity) / (2 * length)) * Math.sin(this.theta) + (3 / (mass * length * length)) * torque;
    this.thetaDot = Math.min(Math.max(this.thetaDot + acceleration * PENDULUM_TIME_STEP, -PENDULUM_MAX_SPEED), PENDULUM_MAX_SPEED);
    this.theta += this.thetaDot * PENDULUM_TIME_STEP;
    return [this.observation(), -cost, false, false, {}];
  }

  private observation(): Float32Array {
    return Float32Array.of(Math.cos(this.theta), Math.sin(this.theta), this.thetaDot);
  }
}

/**
 * One sentence naming the task's mass, length and gravity with two decimals each, so two tasks
 * read the same only if every parameter rounds to the same hundredth. E.g. "Swing up and balance a pendulum of
 * mass 1.20 kg and length 0.80 m under gravity 9.80 m/s^2."
 */
export function pendulumTaskDescription(task: Readonly<PendulumTask>): string {
  return `Swing up and balance a pendulum of mass ${task.mass.toFixed(2)} kg and length ${task.length.toFixed(2)} m under gravity ${task.gravity.toFixed(2)} m/s^2.`;
}

/** A copy of `state` if it is a pendulum task inside the ranges; InvalidTaskStateError otherwise. */
function checkedPendulumTask(state: unknown): PendulumTask {
  const parsed = taskSchema.safeParse(state);
  if (!parsed.success) {
    const ranges = PARAMETER_ORDER.map((name) => `${name} in [${rangeOf(name).join(", ")}]`).join(", ");
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(task)"}: ${issue.message}`).join("; ");
    throw new InvalidTaskStateError(
      `MTPendulum: invalid task state ${describeValue(state)} (${problems}). Expected {mass, length, gravity} with ${ranges}, e.g. ${JSON.stringify(PENDULUM_DEFAULT_TASKS[0])}.`,
    );
  }
  return { ...parsed.data };
}

/** θ mapped into [−π, π) with a floored modulo (Python's %, not JavaScript's remainder). */
export function normalizeAngle(theta: number): number {
  const period = 2 * Math.PI;
  const shifted = theta + Math.PI;
  return shifted - period * Math.floor(shifted / period) - Math.PI;
}
