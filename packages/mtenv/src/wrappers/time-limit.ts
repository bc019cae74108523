import { ConfigError, ResetNeededError } from "../core/errors.js";
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
    // The wrapped env does not know its episode was cut, so it would happily go on; refuse here,
    // as an env refuses to step after its own episode ended.
    if (this.elapsedSteps >= this.maxEpisodeSteps) {
      throw new ResetNeededError(
        `TimeLimit: step() called after the episode was truncated at ${this.maxEpisodeSteps} steps. Call reset() to start a new episode.`,
      );
    }
    const [observation, reward, terminated, truncated, info] = this.env.step(action);
    this.elapsedSteps += 1;
    if (this.elapsedSteps >= this.maxEpisodeSteps && !truncated) {
      return [observation, reward, terminated, true, { ...info, timeLimitReached: true }];
    }
    return [observation, reward, terminated, truncated, info];
  }
}
