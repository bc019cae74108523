import { Rng } from "../core/rng.js";
import type { AnyMTEnv, Info, MTEnv, MTObs, MTObservationSpace, ResetOptions, StepResult } from "../core/types.js";
import { DictSpace } from "../spaces/dict.js";
import type { Space } from "../spaces/space.js";

/**
 * Base for wrappers that change what the agent is told about the task — the task observation and
 * possibly the task state's type (NTasksId, OneHotTask) — while the world observation, actions and
 * rewards pass through. MultiTaskWrapper cannot do this because its inner and outer types are the
 * same; this base keeps the two apart so each subclass states its conversion in its signature.
 */
export abstract class TaskTransformWrapper<EnvObs, InnerTaskObs, TaskObs, Act, InnerTaskState, TaskState>
  implements MTEnv<EnvObs, TaskObs, Act, TaskState>
{
  readonly observationSpace: MTObservationSpace<EnvObs, TaskObs>;

  constructor(
    readonly env: MTEnv<EnvObs, InnerTaskObs, Act, InnerTaskState>,
    taskObservationSpace: Space<TaskObs>,
  ) {
    this.observationSpace = new DictSpace({ envObs: env.observationSpace.spaces.envObs, taskObs: taskObservationSpace });
  }

  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }

  /** The innermost environment (through any number of wrappers). */
  get unwrapped(): AnyMTEnv {
    return (this.env as { unwrapped?: AnyMTEnv }).unwrapped ?? this.env;
  }

  reset(options?: ResetOptions): [MTObs<EnvObs, TaskObs>, Info] {
    const [observation, info] = this.env.reset(options);
    return [{ envObs: observation.envObs, taskObs: this.getTaskObs() }, info];
  }

  step(action: Act): StepResult<MTObs<EnvObs, TaskObs>> {
    const [observation, reward, terminated, truncated, info] = this.env.step(action);
    return [{ envObs: observation.envObs, taskObs: this.getTaskObs() }, reward, terminated, truncated, info];
  }

  /** Seeds the wrapped env's task stream and this wrapper's own task observation space. */
  seedTask(seed: number): void {
    this.env.seedTask(seed);
    this.observationSpace.spaces.taskObs.seed(Rng.fromSeed(seed, "task-space").nextUint32());
  }

  resetTaskState(): void {
    this.setTaskState(this.sampleTaskState());
  }

  close(): void {
    this.env.close();
  }

  abstract getTaskObs(): TaskObs;
  abstract getTaskState(): TaskState;
  abstract setTaskState(state: TaskState): void;
  abstract sampleTaskState(): TaskState;
}
