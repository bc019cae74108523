import { InvalidTaskStateError } from "../core/errors.js";
import type { HasTaskSet } from "../core/task-set.js";
import type { MTEnv } from "../core/types.js";
import { Discrete } from "../spaces/discrete.js";
import { FixedTaskSet } from "./fixed-task-set.js";
import { TaskTransformWrapper } from "./task-transform-wrapper.js";

/**
 * Like NTasks, but the agent sees only the task's integer id (the reference's `NTasksId`): the
 * task state and the task observation both become an index in [0, n), with taskObs space
 * Discrete(n). The fixed list of n inner task states is drawn from the wrapped env the first time
 * a task is sampled or set; under the same task seed it is the same list, in the same order, as
 * NTasks draws.
 *
 * There is no task before the first `setTaskState`/`resetTaskState`: reset() then fails with an
 * InvalidTaskStateError that says so, instead of silently picking task 0.
 */
export class NTasksId<EnvObs, InnerTaskObs, Act, InnerTaskState> extends TaskTransformWrapper<
  EnvObs,
  InnerTaskObs,
  number,
  Act,
  InnerTaskState,
  number
> implements HasTaskSet<number> {
  private readonly taskSet: FixedTaskSet<InnerTaskState>;
  private readonly idSpace: Discrete;
  private currentId: number | undefined;

  constructor(env: MTEnv<EnvObs, InnerTaskObs, Act, InnerTaskState>, n: number) {
    // Validate n before building Discrete(n), so a bad n is a ConfigError about NTasksId.
    const taskSet = new FixedTaskSet(n, () => env.sampleTaskState(), "NTasksId");
    const idSpace = new Discrete(n);
    super(env, idSpace);
    this.taskSet = taskSet;
    this.idSpace = idSpace;
  }

  /** The number of tasks. */
  get n(): number {
    return this.taskSet.size;
  }

  /** The wrapped env's task states behind ids 0..n-1 (drawn now if needed; needs the task seed). */
  get tasks(): readonly InnerTaskState[] {
    return this.taskSet.tasks;
  }

  /** The ids 0..n-1: the task set in this wrapper's representation (no seed needed). */
  listTaskStates(): readonly number[] {
    return Array.from({ length: this.n }, (_, id) => id);
  }

  override seedTask(seed: number): void {
    this.taskSet.seed(seed);
    super.seedTask(seed);
  }

  getTaskObs(): number {
    return this.getTaskState();
  }

  getTaskState(): number {
    if (this.currentId === undefined) {
      throw new InvalidTaskStateError(
        `NTasksId: no task selected yet. Call resetTaskState() or setTaskState(id) with an id in [0, ${this.n - 1}] before reset().`,
      );
    }
    return this.currentId;
  }

  setTaskState(id: number): void {
    const reason = this.idSpace.explainMismatch(id);
    if (reason !== undefined) {
      throw new InvalidTaskStateError(`NTasksId: task state must be a task id: ${reason}. Ids run from 0 to n-1 = ${this.n - 1}.`);
    }
    this.env.setTaskState(this.taskSet.at(id));
    this.currentId = id;
  }

  sampleTaskState(): number {
    return this.taskSet.sampleIndex();
  }
}
