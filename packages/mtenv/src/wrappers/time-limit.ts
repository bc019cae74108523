import { ConfigError } from "../core/errors.js";
import type { Info, MTEnv, MTObs, ResetOptions, StepResult } from "../core/types.js";
import { MultiTaskWrapper } from "./multi-task-wrapper.js";

/**
 * Ends an episode with `truncated = true` after `maxEpisodeSteps` steps. Truncation is reported
 * by the env, never inferred by the trainer from a counter (a defect of the reference MTRL).
 * An episode that terminates on its last allowed step is reported as terminated and truncated.
 */
export class TimeLimit<EnvObs, TaskObs, Act, TaskState> extends MultiTaskWrapper<EnvObs, TaskObs, Act, TaskState> {
  private elapsedSteps = 0;

  constructor(
    env: MTEnv<EnvObs, TaskObs, Act, TaskState>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new ConfigError(`TimeLimit maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}.`);
    }
  }

  /** Steps taken in the current episode. */
  get stepsInEpisode(): number {
    return this.elapsedSteps;
  }

  override reset(options?: ResetOptions): [MTObs<EnvObs, TaskObs>, Info] {
    this.elapsedSteps = 0;
    return this.env.reset(options);
  }

  override step(action: Act): StepResult<MTObs<EnvObs, TaskObs>> {
    const [observation, reward, terminated, truncated, info] = this.env.step(action);
    this.elapsedSteps += 1;
    if (this.elapsedSteps >= this.maxEpisodeSteps && !truncated) {
      return [observation, reward, terminated, true, { ...info, timeLimitReached: true }];
    }
    return [observation, reward, terminated, truncated, info];
  }
}
