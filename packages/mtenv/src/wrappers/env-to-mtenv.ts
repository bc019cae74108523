import { MTEnvBase } from "../core/mt-env.js";
import type { Rng } from "../core/rng.js";
import type { Env, Info, MTObs, ResetOptions } from "../core/types.js";
import type { Space } from "../spaces/space.js";

/**
 * Adapts a single-task env to the multi-task API (the reference's `EnvToMTEnv`): observations
 * become `{ envObs, taskObs }`. The adapter cannot know what a task means for the wrapped env, so
 * a subclass supplies the task methods — `getTaskObs`, `getTaskState`, `setTaskState`,
 * `sampleTaskState` (draw from `this.taskRng`) — typically by changing the wrapped env's
 * parameters.
 *
 * Seeds given to `reset({ seed })` reach the wrapped env unchanged, so the adapted env reproduces
 * the plain env's trajectories. The seeding rule of MTEnvBase applies: the first reset needs a
 * seed, and sampling a task needs `seedTask(seed)`.
 */
export abstract class EnvToMTEnv<EnvObs, TaskObs, Act, TaskState> extends MTEnvBase<EnvObs, TaskObs, Act, TaskState> {
  private seedForNextReset: number | undefined;

  constructor(
    readonly env: Env<EnvObs, Act>,
    taskObservationSpace: Space<TaskObs>,
  ) {
    super(env.actionSpace, env.observationSpace, taskObservationSpace);
  }

  override reset(options: ResetOptions = {}): [MTObs<EnvObs, TaskObs>, Info] {
    this.seedForNextReset = options.seed;
    return super.reset(options);
  }

  override close(): void {
    if (!this.isClosed) this.env.close();
    super.close();
  }

  protected resetEnv(_rng: Rng, options: Record<string, unknown>): [EnvObs, Info] {
    const seed = this.seedForNextReset;
    this.seedForNextReset = undefined;
    return this.env.reset(seed === undefined ? { options } : { seed, options });
  }

  protected stepEnv(action: Act): [EnvObs, number, boolean, boolean, Info] {
    return this.env.step(action);
  }
}
