import { Box } from "../spaces/box.js";
import { DictSpace } from "../spaces/dict.js";
import type { Space } from "../spaces/space.js";
import { ClosedEnvironmentError, InvalidActionError, ResetNeededError, SeedError } from "./errors.js";
import { Rng } from "./rng.js";
import type { Info, MTEnv, MTObs, MTObservationSpace, ResetOptions, StepResult } from "./types.js";

/**
 * Base class for multi-task environments. Subclasses implement `resetEnv`, `stepEnv` and the task
 * methods; this class owns seeding, the reset/closed bookkeeping and action validation.
 *
 * Seeding rule (documented, tested): the environment stream must be seeded before the first
 * `reset` — pass `reset({ seed })` once — and the task stream before the first `sampleTaskState`
 * — call `seedTask(seed)`. Otherwise a SeedError says so. Silent entropy seeding would make runs
 * irreproducible, which is exactly what this project promises not to do.
 */
export abstract class MTEnvBase<EnvObs, TaskObs, Act, TaskState> implements MTEnv<EnvObs, TaskObs, Act, TaskState> {
  readonly observationSpace: MTObservationSpace<EnvObs, TaskObs>;
  private environmentRng: Rng | undefined;
  private taskSamplingRng: Rng | undefined;
  private closed = false;
  private needsReset = true;

  constructor(
    readonly actionSpace: Space<Act>,
    envObservationSpace: Space<EnvObs>,
    taskObservationSpace: Space<TaskObs>,
  ) {
    this.observationSpace = new DictSpace({ envObs: envObservationSpace, taskObs: taskObservationSpace });
  }

  /** The environment stream; throws a SeedError before `reset({ seed })` was ever called. */
  protected get envRng(): Rng {
    if (this.environmentRng === undefined) {
      throw new SeedError(`${this.constructor.name}: the environment RNG is not seeded. Call reset({ seed }) with a seed first.`);
    }
    return this.environmentRng;
  }

  /** The task stream; throws a SeedError before `seedTask(seed)` was ever called. */
  protected get taskRng(): Rng {
    if (this.taskSamplingRng === undefined) {
      throw new SeedError(
        `${this.constructor.name}: the task RNG is not seeded. Call seedTask(seed) before sampleTaskState() or resetTaskState().`,
      );
    }
    return this.taskSamplingRng;
  }

  /** True once the environment stream has a seed. */
  get isSeeded(): boolean {
    return this.environmentRng !== undefined;
  }

  /** True once the task stream has a seed. */
  get isTaskSeeded(): boolean {
    return this.taskSamplingRng !== undefined;
  }

  reset(options: ResetOptions = {}): [MTObs<EnvObs, TaskObs>, Info] {
    this.assertOpen("reset");
    if (options.seed !== undefined) {
      this.environmentRng = Rng.fromSeed(options.seed, "env");
      this.actionSpace.seed(Rng.fromSeed(options.seed, "action-space").nextUint32());
    }
    const rng = this.envRng;
    const [envObs, info] = this.resetEnv(rng, options.options ?? {});
    this.needsReset = false;
    return [{ envObs, taskObs: this.getTaskObs() }, info];
  }

  step(action: Act): StepResult<MTObs<EnvObs, TaskObs>> {
    this.assertOpen("step");
    if (this.needsReset) {
      throw new ResetNeededError(
        `${this.constructor.name}: step() called before reset() or after the episode ended. Call reset() to start an episode.`,
      );
    }
    this.validateAction(action);
    const [envObs, reward, terminated, truncated, info] = this.stepEnv(action);
    if (terminated || truncated) this.needsReset = true;
    return [{ envObs, taskObs: this.getTaskObs() }, reward, terminated, truncated, info];
  }

  seedTask(seed: number): void {
    this.taskSamplingRng = Rng.fromSeed(seed, "task");
    this.observationSpace.spaces.taskObs.seed(Rng.fromSeed(seed, "task-space").nextUint32());
  }

  resetTaskState(): void {
    this.setTaskState(this.sampleTaskState());
  }

  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Rejects actions of the wrong type or shape, NaN, and out-of-range discrete actions. Continuous
   * actions outside the bounds are allowed by default (envs clip them, as the references do).
   */
  protected validateAction(action: Act): void {
    const reason = explainInvalidAction(this.actionSpace, action);
    if (reason !== undefined) {
      throw new InvalidActionError(
        `${this.constructor.name}: invalid action: ${reason}. The action space is ${this.actionSpace.toString()}; sample a valid action with env.actionSpace.sample().`,
      );
    }
  }

  protected assertOpen(method: string): void {
    if (this.closed) throw new ClosedEnvironmentError(`${this.constructor.name}: ${method}() called after close(). Create a new environment.`);
  }

  abstract getTaskObs(): TaskObs;
  abstract getTaskState(): TaskState;
  abstract setTaskState(state: TaskState): void;
  abstract sampleTaskState(): TaskState;

  /** Starts an episode for the current task; `rng` is the seeded environment stream. */
  protected abstract resetEnv(rng: Rng, options: Record<string, unknown>): [EnvObs, Info];

  /** Advances one step with an already-validated action. */
  protected abstract stepEnv(action: Act): [EnvObs, number, boolean, boolean, Info];
}

/**
 * Why `action` is not acceptable for `space`, or undefined. Box actions need the right type,
 * length and finite values but may lie outside the bounds (environments clip them).
 */
export function explainInvalidAction(space: Space<unknown>, action: unknown): string | undefined {
  if (space instanceof Box) {
    if (!(action instanceof Float32Array) && !(action instanceof Float64Array)) {
      return `expected a Float32Array of length ${space.size}, got ${describeAction(action)}`;
    }
    if (action.length !== space.size) return `expected length ${space.size}, got length ${action.length}`;
    const bad = action.findIndex((x) => !Number.isFinite(x));
    return bad >= 0 ? `element ${bad} is ${action[bad]} (actions must be finite numbers)` : undefined;
  }
  return space.explainMismatch(action);
}

function describeAction(action: unknown): string {
  if (Array.isArray(action)) return `a plain array of length ${action.length} (wrap it: Float32Array.from(array))`;
  return action === null ? "null" : typeof action === "object" ? (action.constructor?.name ?? "object") : `${typeof action} ${String(action)}`;
}
