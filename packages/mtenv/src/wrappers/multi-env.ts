import { ConfigError, InvalidTaskStateError, ResetNeededError, SpaceMismatchError, describeValue } from "../core/errors.js";
import { MTEnvBase } from "../core/mt-env.js";
import { Rng, assertValidSeed } from "../core/rng.js";
import type { HasTaskSet } from "../core/task-set.js";
import type { Env, Info, MTObs, ResetOptions, StepResult } from "../core/types.js";
import { Discrete } from "../spaces/discrete.js";

/** Builds the single-task env of one task. */
export type EnvConstructor<Obs, Act> = () => Env<Obs, Act>;

/**
 * One single-task env per task (the reference's `MultiEnvWrapper`, the MT10 pattern): the task
 * state is the index of the active env and the task observation is that index, Discrete(N).
 *
 * Envs are built lazily, the first time their task is selected (the initial one at once, to read
 * the spaces). Every env must have the same action and observation spaces as the first; a
 * SpaceMismatchError names the task that differs when it is built.
 *
 * Seeding: `reset({ seed })` starts a new seed generation. Each env receives, on its first reset
 * within a generation, a seed derived from (seed, task index) — so tasks get distinct streams and
 * the same calls with the same seeds give the same results, whichever order tasks are visited in.
 * Switching task requires a reset before the next step (ResetNeededError otherwise), since the
 * newly active env's episode is not the one that was running.
 */
export class MultiEnv<Obs, Act> extends MTEnvBase<Obs, number, Act, number> implements HasTaskSet<number> {
  private readonly envs: Array<Env<Obs, Act> | undefined>;
  private activeIndex: number;
  private seedGeneration: { seed: number; id: number } | undefined;
  private readonly seededInGeneration: Array<number | undefined>;
  private taskChangedSinceReset = false;

  constructor(
    private readonly constructors: readonly EnvConstructor<Obs, Act>[],
    initialTaskState: number,
  ) {
    if (constructors.length === 0) {
      throw new ConfigError("MultiEnv: expected at least one env constructor (one per task), got an empty list.");
    }
    if (!Number.isInteger(initialTaskState) || initialTaskState < 0 || initialTaskState >= constructors.length) {
      throw new ConfigError(
        `MultiEnv: initialTaskState must be a task index in [0, ${constructors.length - 1}], got ${describeValue(initialTaskState)}.`,
      );
    }
    const first = constructors[initialTaskState]!();
    super(first.actionSpace, first.observationSpace, new Discrete(constructors.length));
    this.envs = new Array<Env<Obs, Act> | undefined>(constructors.length).fill(undefined);
    this.envs[initialTaskState] = first;
    this.seededInGeneration = new Array<number | undefined>(constructors.length).fill(undefined);
    this.activeIndex = initialTaskState;
  }

  /** The number of tasks (= envs). */
  get numTasks(): number {
    return this.constructors.length;
  }

  /** The env of the active task. */
  get activeEnv(): Env<Obs, Act> {
    return this.envs[this.activeIndex]!;
  }

  /** How many envs have been built so far (they are built lazily). */
  get builtEnvCount(): number {
    return this.envs.filter((env) => env !== undefined).length;
  }

  /** The task indices 0..N-1, for trainers that run one env per task. */
  listTaskStates(): readonly number[] {
    return Array.from({ length: this.numTasks }, (_, index) => index);
  }

  getTaskObs(): number {
    return this.activeIndex;
  }

  getTaskState(): number {
    return this.activeIndex;
  }

  setTaskState(index: number): void {
    this.assertOpen("setTaskState");
    const reason = this.observationSpace.spaces.taskObs.explainMismatch(index);
    if (reason !== undefined) {
      throw new InvalidTaskStateError(`MultiEnv: task state must be a task index: ${reason}. There are ${this.numTasks} tasks.`);
    }
    if (index === this.activeIndex) return;
    this.envs[index] ??= this.build(index);
    this.activeIndex = index;
    this.taskChangedSinceReset = true;
  }

  sampleTaskState(): number {
    return this.taskRng.integers(0, this.numTasks);
  }

  override reset(options: ResetOptions = {}): [MTObs<Obs, number>, Info] {
    if (options.seed !== undefined && !this.isClosed) {
      assertValidSeed(options.seed);
      this.seedGeneration = { seed: options.seed, id: (this.seedGeneration?.id ?? 0) + 1 };
    }
    return super.reset(options);
  }

  override step(action: Act): StepResult<MTObs<Obs, number>> {
    this.assertOpen("step");
    if (this.taskChangedSinceReset) {
      throw new ResetNeededError(
        `MultiEnv: the task changed to ${this.activeIndex} since the last reset(). Call reset() to start an episode of the new task.`,
      );
    }
    return super.step(action);
  }

  override close(): void {
    if (!this.isClosed) for (const env of this.envs) env?.close();
    super.close();
  }

  protected resetEnv(_rng: Rng, options: Record<string, unknown>): [Obs, Info] {
    // MTEnvBase has already refused an unseeded first reset, so a generation exists here.
    const generation = this.seedGeneration!;
    this.taskChangedSinceReset = false;
    if (this.seededInGeneration[this.activeIndex] === generation.id) return this.activeEnv.reset({ options });
    this.seededInGeneration[this.activeIndex] = generation.id;
    return this.activeEnv.reset({ seed: deriveTaskSeed(generation.seed, this.activeIndex), options });
  }

  protected stepEnv(action: Act): [Obs, number, boolean, boolean, Info] {
    return this.activeEnv.step(action);
  }

  private build(index: number): Env<Obs, Act> {
    const env = this.constructors[index]!();
    const checks: Array<[string, boolean, string, string]> = [
      ["action", env.actionSpace.equals(this.actionSpace), this.actionSpace.toString(), env.actionSpace.toString()],
      [
        "observation",
        env.observationSpace.equals(this.observationSpace.spaces.envObs),
        this.observationSpace.spaces.envObs.toString(),
        env.observationSpace.toString(),
      ],
    ];
    for (const [which, same, expected, got] of checks) {
      if (!same) {
        env.close();
        throw new SpaceMismatchError(
          `MultiEnv: every task's env must share one ${which} space; the env of task ${index} differs. Expected ${expected}, got ${got}.`,
        );
      }
    }
    return env;
  }
}

/** A seed for task `index` from the run's env seed: distinct per task, same for the same inputs. */
function deriveTaskSeed(seed: number, index: number): number {
  return Rng.fromSeed(seed, "multi-env").stream(`task-${index}`).nextUint32();
}
