import { ConfigError, describeValue } from "../core/errors.js";
import type { MTEnv, MTObs, StepResult } from "../core/types.js";
import { MultiTaskWrapper } from "./multi-task-wrapper.js";

export interface NormalizeRewardOptions {
  /** Weight of each new reward in the running mean and variance, in (0, 1]. Default 0.001. */
  alpha?: number;
}

/** The running statistics, for checkpoints: restore with `setState` to continue exactly. */
export interface NormalizeRewardState {
  mean: number;
  variance: number;
}

/** Keeps the divisor away from zero when the rewards are constant. */
const EPSILON = 1e-8;

/**
 * Divides each reward by the running standard deviation of rewards (the reward half of the
 * reference's `NormalizedEnv`): an exponential moving average of mean and variance with weight
 * `alpha`, starting from mean 0 and variance 1, updated with each reward before dividing by
 * sqrt(variance) + 1e-8. The mean is not subtracted, so the sign of every reward is kept.
 */
export class NormalizeReward<EnvObs, TaskObs, Act, TaskState> extends MultiTaskWrapper<EnvObs, TaskObs, Act, TaskState> {
  readonly alpha: number;
  private mean = 0;
  private variance = 1;

  constructor(env: MTEnv<EnvObs, TaskObs, Act, TaskState>, { alpha = 0.001 }: NormalizeRewardOptions = {}) {
    super(env);
    if (typeof alpha !== "number" || !(alpha > 0 && alpha <= 1)) {
      throw new ConfigError(`NormalizeReward: alpha must be a number in (0, 1], got alpha=${describeValue(alpha)}. The reference uses 0.001.`);
    }
    this.alpha = alpha;
  }

  override step(action: Act): StepResult<MTObs<EnvObs, TaskObs>> {
    const [observation, reward, terminated, truncated, info] = this.env.step(action);
    this.mean = (1 - this.alpha) * this.mean + this.alpha * reward;
    this.variance = (1 - this.alpha) * this.variance + this.alpha * (reward - this.mean) ** 2;
    return [observation, reward / (Math.sqrt(this.variance) + EPSILON), terminated, truncated, info];
  }

  getState(): NormalizeRewardState {
    return { mean: this.mean, variance: this.variance };
  }

  setState(state: NormalizeRewardState): void {
    if (typeof state?.mean !== "number" || !Number.isFinite(state.mean) || typeof state.variance !== "number" || !(state.variance >= 0) || !Number.isFinite(state.variance)) {
      throw new ConfigError(
        `NormalizeReward: expected a state {mean: finite number, variance: finite number >= 0}, got ${describeValue(state)}. ` +
          "Use the object returned by getState().",
      );
    }
    this.mean = state.mean;
    this.variance = state.variance;
  }
}
