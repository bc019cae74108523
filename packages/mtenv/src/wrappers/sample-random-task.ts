import type { Info, MTObs, ResetOptions } from "../core/types.js";
import { MultiTaskWrapper } from "./multi-task-wrapper.js";

/**
 * Draws a new task at every reset (the reference's `SampleRandomTask`): `reset()` calls
 * `resetTaskState()` and then resets the wrapped env, so each episode runs on a freshly sampled
 * task. Needs `seedTask(seed)` before the first reset.
 */
export class SampleRandomTask<EnvObs, TaskObs, Act, TaskState> extends MultiTaskWrapper<EnvObs, TaskObs, Act, TaskState> {
  override reset(options?: ResetOptions): [MTObs<EnvObs, TaskObs>, Info] {
    this.resetTaskState();
    return this.env.reset(options);
  }
}
