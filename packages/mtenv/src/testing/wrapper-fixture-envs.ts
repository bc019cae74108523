/**
 * Small deterministic environments and helpers for the wrapper tests. They do not depend on the
 * real environments (written in parallel), so a wrapper test only fails for the wrapper's reasons.
 * Not exported from the package.
 */
import assert from "node:assert/strict";
import { ClosedEnvironmentError, SeedError } from "../core/errors.js";
import { MTEnvBase } from "../core/mt-env.js";
import { Rng } from "../core/rng.js";
import type { Env, Info, MTEnv, MTObs, StepResult } from "../core/types.js";
import { Box } from "../spaces/box.js";
import { Discrete } from "../spaces/discrete.js";
import type { Space } from "../spaces/space.js";

/** The task of the toy env: where the goal is and how far one unit of action moves the agent. */
export interface ToyTask {
  goal: number;
  speed: number;
}

export interface ToyGoalEnvOptions {
  /** Action bounds (one dimension); defaults to [-1, 1]. */
  actionLow?: number;
  actionHigh?: number;
  /** Shape of envObs; the position and velocity are repeated to fill it. Defaults to [2]. */
  envObsShape?: readonly number[];
  /** Episode ends with terminated = true after this many steps. Defaults to never. */
  terminateAfter?: number;
  /** Multiplies every reward (to test reward normalisation at different scales). */
  rewardScale?: number;
}

const POSITION_LIMIT = 5;

/**
 * A one-dimensional walk towards a goal. The env stream adds noise to the start position and to
 * every step, and the task stream draws goals and speeds, so both seeds visibly matter.
 */
export class ToyGoalEnv extends MTEnvBase<Float32Array, Float32Array, Float32Array, ToyTask> {
  /** The last action the env received, after wrappers changed it (RescaleAction tests read it). */
  lastAction: Float32Array | undefined;
  closeCalls = 0;
  private task: ToyTask = { goal: 0.5, speed: 1 };
  private position = 0;
  private velocity = 0;
  private stepsTaken = 0;
  private rng: Rng | undefined;
  private readonly envObsSize: number;

  constructor(private readonly options: ToyGoalEnvOptions = {}) {
    const envObsShape = options.envObsShape ?? [2];
    super(
      new Box(options.actionLow ?? -1, options.actionHigh ?? 1, { shape: [1] }),
      new Box(-POSITION_LIMIT, POSITION_LIMIT, { shape: envObsShape }),
      new Box([-1, 0.5], [1, 2]),
    );
    this.envObsSize = envObsShape.reduce((a, b) => a * b, 1);
  }

  getTaskObs(): Float32Array {
    return Float32Array.of(this.task.goal, this.task.speed);
  }

  getTaskState(): ToyTask {
    return { ...this.task };
  }

  setTaskState(state: ToyTask): void {
    this.task = { ...state };
  }

  sampleTaskState(): ToyTask {
    return { goal: this.taskRng.uniform(-1, 1), speed: this.taskRng.uniform(0.5, 2) };
  }

  override close(): void {
    this.closeCalls += 1;
    super.close();
  }

  protected resetEnv(rng: Rng): [Float32Array, Info] {
    this.rng = rng;
    this.position = rng.uniform(-1, 1);
    this.velocity = 0;
    this.stepsTaken = 0;
    return [this.observe(), {}];
  }

  protected stepEnv(action: Float32Array): [Float32Array, number, boolean, boolean, Info] {
    this.lastAction = Float32Array.from(action);
    const space = this.actionSpace as Box;
    const push = Math.min(Math.max(action[0]!, space.low[0]!), space.high[0]!);
    this.velocity = 0.1 * push * this.task.speed + this.rng!.normal(0, 0.01);
    this.position = Math.min(Math.max(this.position + this.velocity, -POSITION_LIMIT), POSITION_LIMIT);
    this.stepsTaken += 1;
    const reward = -Math.abs(this.position - this.task.goal) * (this.options.rewardScale ?? 1);
    const terminated = this.stepsTaken >= (this.options.terminateAfter ?? Infinity);
    return [this.observe(), reward, terminated, false, {}];
  }

  private observe(): Float32Array {
    const out = new Float32Array(this.envObsSize);
    for (let i = 0; i < out.length; i++) out[i] = i % 2 === 0 ? this.position : Math.min(Math.max(this.velocity, -1), 1);
    return out;
  }
}

/**
 * A single-task env (no task API) for EnvToMTEnv and MultiEnv: the same walk with a fixed goal,
 * and a speed that the adapter may change. Follows the project's seeding rule: reset({ seed })
 * before the first reset, else a SeedError.
 */
export class ToySingleTaskEnv implements Env<Float32Array, Float32Array> {
  readonly actionSpace: Space<Float32Array>;
  readonly observationSpace: Space<Float32Array>;
  closed = false;
  /** Seeds this env received through reset({ seed }), in order (MultiEnv tests read it). */
  readonly receivedSeeds: number[] = [];
  private rng: Rng | undefined;
  private position = 0;

  constructor(
    public speed = 1,
    options: { actionSize?: number; observationHigh?: number } = {},
  ) {
    this.actionSpace = new Box(-1, 1, { shape: [options.actionSize ?? 1] });
    this.observationSpace = new Box(-(options.observationHigh ?? POSITION_LIMIT), options.observationHigh ?? POSITION_LIMIT, { shape: [1] });
  }

  reset(options: { seed?: number } = {}): [Float32Array, Info] {
    if (this.closed) throw new ClosedEnvironmentError("ToySingleTaskEnv: reset() after close().");
    if (options.seed !== undefined) {
      this.receivedSeeds.push(options.seed);
      this.rng = Rng.fromSeed(options.seed, "toy-single");
    }
    if (this.rng === undefined) throw new SeedError("ToySingleTaskEnv: call reset({ seed }) first.");
    this.position = this.rng.uniform(-1, 1);
    return [Float32Array.of(this.position), {}];
  }

  step(action: Float32Array): StepResult<Float32Array> {
    const noise = this.rng!.normal(0, 0.01);
    this.position = Math.min(Math.max(this.position + 0.1 * this.speed * action[0]! + noise, -POSITION_LIMIT), POSITION_LIMIT);
    return [Float32Array.of(this.position), -Math.abs(this.position), false, false, {}];
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * A walk on five cells with Discrete actions (0 left, 1 stay, 2 right) and Discrete observations;
 * the task is the target cell, observed as Discrete(4, start 1) — exercising the non-Box paths
 * and a Discrete space that does not start at 0.
 */
export class ToyChoiceEnv extends MTEnvBase<number, number, number, number> {
  private target = 1;
  private cell = 0;

  constructor() {
    super(new Discrete(3), new Discrete(5), new Discrete(4, 1));
  }

  getTaskObs(): number {
    return this.target;
  }

  getTaskState(): number {
    return this.target;
  }

  setTaskState(target: number): void {
    this.target = target;
  }

  sampleTaskState(): number {
    return this.taskRng.integers(1, 5);
  }

  protected resetEnv(rng: Rng): [number, Info] {
    this.cell = rng.integers(0, 5);
    return [this.cell, {}];
  }

  protected stepEnv(action: number): [number, number, boolean, boolean, Info] {
    this.cell = Math.min(Math.max(this.cell + action - 1, 0), 4);
    const reached = this.cell === this.target;
    return [this.cell, reached ? 1 : 0, reached, false, {}];
  }
}

/** One step of a recorded trajectory, in a form `assert.deepEqual` compares exactly. */
export interface RecordedStep {
  envObs: unknown;
  taskObs: unknown;
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** Plain-number copy of an observation part, so trajectories compare with deepEqual. */
export function plain(value: unknown): unknown {
  if (value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array) {
    return Array.from(value);
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

/** Fails with the space's own explanation when `observation` is not in `env.observationSpace`. */
export function assertObservationInSpace<EnvObs, TaskObs>(env: MTEnv<EnvObs, TaskObs, unknown, unknown>, observation: MTObs<EnvObs, TaskObs>): void {
  const reason = env.observationSpace.explainMismatch(observation);
  assert.equal(reason, undefined, `observation outside the observation space: ${reason}`);
}

/**
 * Seeds `env`, then runs `episodes` episodes of `steps` steps with sampled actions, resampling the
 * task before each episode, and checks every observation against the observation space. Returns
 * the trajectory for determinism comparisons.
 */
export function rollout<Act>(
  env: MTEnv<unknown, unknown, Act, unknown>,
  seeds: { env: number; task: number },
  { episodes = 3, steps = 10 }: { episodes?: number; steps?: number } = {},
): RecordedStep[] {
  env.seedTask(seeds.task);
  const recorded: RecordedStep[] = [];
  for (let episode = 0; episode < episodes; episode++) {
    env.resetTaskState();
    const [first] = episode === 0 ? env.reset({ seed: seeds.env }) : env.reset();
    assertObservationInSpace(env, first);
    recorded.push({ envObs: plain(first.envObs), taskObs: plain(first.taskObs), reward: 0, terminated: false, truncated: false });
    for (let t = 0; t < steps; t++) {
      const [observation, reward, terminated, truncated] = env.step(env.actionSpace.sample());
      assertObservationInSpace(env, observation);
      recorded.push({ envObs: plain(observation.envObs), taskObs: plain(observation.taskObs), reward, terminated, truncated });
      if (terminated || truncated) break;
    }
  }
  return recorded;
}
