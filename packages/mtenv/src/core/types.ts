import type { DictSpace } from "../spaces/dict.js";
import type { Space } from "../spaces/space.js";

/** A multi-task observation: what the agent sees of the world, and what it is told of the task. */
export interface MTObs<EnvObs, TaskObs> {
  envObs: EnvObs;
  taskObs: TaskObs;
}

/**
 * Extra information from reset/step. Well-known keys are typed here instead of being magic
 * strings spread across the code base.
 */
export interface Info {
  /** Task solved at this step (Meta-World style environments). */
  success?: boolean;
  /** Set by vector envs on autoreset: the true last observation of the finished episode. */
  finalObservation?: unknown;
  /** Set by vector envs on autoreset: the info of the finished episode's last step. */
  finalInfo?: Info;
  /** Set by TimeLimit when it truncated the episode. */
  timeLimitReached?: boolean;
  [key: string]: unknown;
}

export interface ResetOptions {
  /** Reseeds the environment's RNG stream before resetting (not the task stream: see seedTask). */
  seed?: number;
  options?: Record<string, unknown>;
}

export type StepResult<Obs> = [observation: Obs, reward: number, terminated: boolean, truncated: boolean, info: Info];

/** A single-task environment with Gymnasium semantics. */
export interface Env<Obs, Act> {
  readonly actionSpace: Space<Act>;
  readonly observationSpace: Space<Obs>;
  reset(options?: ResetOptions): [Obs, Info];
  step(action: Act): StepResult<Obs>;
  close(): void;
}

export type MTObservationSpace<EnvObs, TaskObs> = DictSpace<{ envObs: Space<EnvObs>; taskObs: Space<TaskObs> }>;

/**
 * The multi-task environment API: Gymnasium's reset/step plus first-class task information.
 * The environment RNG (seeded by `reset({seed})`) and the task RNG (`seedTask`) are separate
 * streams, so changing how tasks are sampled never changes the dynamics draws and vice versa.
 */
export interface MTEnv<EnvObs, TaskObs, Act, TaskState> extends Env<MTObs<EnvObs, TaskObs>, Act> {
  readonly observationSpace: MTObservationSpace<EnvObs, TaskObs>;
  /** Seeds the task-sampling stream (and the task observation space). */
  seedTask(seed: number): void;
  getTaskObs(): TaskObs;
  getTaskState(): TaskState;
  setTaskState(state: TaskState): void;
  sampleTaskState(): TaskState;
  /** `setTaskState(sampleTaskState())`. */
  resetTaskState(): void;
}

/** Any MTEnv, for code that does not care about the concrete types. */
export type AnyMTEnv = MTEnv<unknown, unknown, unknown, unknown>;
