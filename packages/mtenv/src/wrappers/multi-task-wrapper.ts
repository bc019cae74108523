import type { Space } from "../spaces/space.js";
import type { Info, MTEnv, MTObs, MTObservationSpace, ResetOptions, StepResult } from "../core/types.js";

/**
 * Pass-through base for MTEnv → MTEnv wrappers (the reference's `MultiTask`). Subclasses override
 * only what they change; everything else forwards to the wrapped env, including both RNG streams.
 */
export class MultiTaskWrapper<EnvObs, TaskObs, Act, TaskState> implements MTEnv<EnvObs, TaskObs, Act, TaskState> {
  constructor(readonly env: MTEnv<EnvObs, TaskObs, Act, TaskState>) {}

  get actionSpace(): Space<Act> {
    return this.env.actionSpace;
  }

  get observationSpace(): MTObservationSpace<EnvObs, TaskObs> {
    return this.env.observationSpace;
  }

  /** The innermost environment (through any number of wrappers). */
  get unwrapped(): MTEnv<unknown, unknown, unknown, unknown> {
    // Asks the inner env rather than testing instanceof, so chains that mix this base with
    // TaskTransformWrapper (whose types differ inside and out) unwrap all the way.
    return (this.env as { unwrapped?: MTEnv<unknown, unknown, unknown, unknown> }).unwrapped ?? this.env;
  }

  reset(options?: ResetOptions): [MTObs<EnvObs, TaskObs>, Info] {
    return this.env.reset(options);
  }

  step(action: Act): StepResult<MTObs<EnvObs, TaskObs>> {
    return this.env.step(action);
  }

  seedTask(seed: number): void {
    this.env.seedTask(seed);
  }

  getTaskObs(): TaskObs {
    return this.env.getTaskObs();
  }

  getTaskState(): TaskState {
    return this.env.getTaskState();
  }

  setTaskState(state: TaskState): void {
    this.env.setTaskState(state);
  }

  sampleTaskState(): TaskState {
    return this.env.sampleTaskState();
  }

  resetTaskState(): void {
    this.setTaskState(this.sampleTaskState());
  }

  close(): void {
    this.env.close();
  }
}
