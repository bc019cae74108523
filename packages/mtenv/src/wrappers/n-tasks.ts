import type { HasTaskSet } from "../core/task-set.js";
import type { MTEnv } from "../core/types.js";
import { FixedTaskSet } from "./fixed-task-set.js";
import { MultiTaskWrapper } from "./multi-task-wrapper.js";

/**
 * Restricts a multi-task env to `n` tasks (the reference's `NTasks`). On the first sample it draws
 * a fixed list of `n` task states from the wrapped env's `sampleTaskState`; every later sample is
 * one of them, uniformly. Observations and task states keep the wrapped env's types.
 *
 * `n` must be a positive integer (ConfigError otherwise). Sampling needs `seedTask(seed)` first
 * (SeedError otherwise); the seed goes both to this wrapper's index stream and to the wrapped env,
 * whose task stream draws the list.
 */
export class NTasks<EnvObs, TaskObs, Act, TaskState>
  extends MultiTaskWrapper<EnvObs, TaskObs, Act, TaskState>
  implements HasTaskSet<TaskState>
{
  private readonly taskSet: FixedTaskSet<TaskState>;

  constructor(env: MTEnv<EnvObs, TaskObs, Act, TaskState>, n: number) {
    super(env);
    this.taskSet = new FixedTaskSet(n, () => env.sampleTaskState(), "NTasks");
  }

  /** The number of tasks. */
  get n(): number {
    return this.taskSet.size;
  }

  /** The fixed task states (drawn now if no sample has happened yet; needs the task seed). */
  get tasks(): readonly TaskState[] {
    return this.taskSet.tasks;
  }

  /**
   * The fixed tasks, for trainers that run one env per task. Defined here so that `findTaskSet`
   * does not walk past this wrapper to the wrapped env's own, larger task set.
   */
  listTaskStates(): readonly TaskState[] {
    return this.tasks;
  }

  override seedTask(seed: number): void {
    this.taskSet.seed(seed);
    this.env.seedTask(seed);
  }

  override sampleTaskState(): TaskState {
    return this.taskSet.at(this.taskSet.sampleIndex());
  }
}
