import { ConfigError, InvalidActionError, SpaceMismatchError, describeValue } from "../core/errors.js";
import { explainInvalidAction } from "../core/mt-env.js";
import { Rng } from "../core/rng.js";
import type { Info, MTEnv, MTObs, ResetOptions, StepResult } from "../core/types.js";
import { Box } from "../spaces/box.js";
import type { Space } from "../spaces/space.js";
import { MultiTaskWrapper } from "./multi-task-wrapper.js";

/**
 * Lets the agent act in [low, high] (default [-1, 1], what a tanh policy produces) on an env with
 * any bounded Box action space: each element is mapped linearly onto the env's bounds and clipped
 * to them — the action half of the reference's `NormalizedEnv`. Unlike the reference, exceptions
 * from the wrapped env's step propagate: a failing env must not look like a quiet zero reward.
 *
 * Actions of the wrong type or length, or with NaN/Infinity, are rejected with InvalidActionError
 * in terms of this wrapper's space; finite actions outside [low, high] are clipped after mapping.
 */
export class RescaleAction<EnvObs, TaskObs, TaskState> extends MultiTaskWrapper<EnvObs, TaskObs, Float32Array, TaskState> {
  private readonly agentSpace: Box;
  private readonly envSpace: Box;

  constructor(
    env: MTEnv<EnvObs, TaskObs, Float32Array, TaskState>,
    low: number | ArrayLike<number> = -1,
    high: number | ArrayLike<number> = 1,
  ) {
    super(env);
    const envSpace = env.actionSpace;
    if (!(envSpace instanceof Box)) {
      throw new SpaceMismatchError(`RescaleAction: expected a Box action space, got ${envSpace.toString()}. Rescaling only applies to continuous actions.`);
    }
    if (!envSpace.isBounded()) {
      throw new SpaceMismatchError(
        `RescaleAction: expected a bounded Box action space, got low=${describeValue(envSpace.low)}, high=${describeValue(envSpace.high)}. ` +
          "An infinite bound has no linear map from a finite range.",
      );
    }
    this.envSpace = envSpace;
    this.agentSpace = new Box(low, high, { shape: envSpace.shape });
    if (!this.agentSpace.isBounded()) {
      throw new ConfigError(`RescaleAction: expected finite low and high, got low=${describeValue(low)}, high=${describeValue(high)}.`);
    }
    const flatAt = this.agentSpace.low.findIndex((lowValue, i) => !(lowValue < this.agentSpace.high[i]!));
    if (flatAt >= 0) {
      throw new ConfigError(
        `RescaleAction: expected low < high everywhere, got low=${this.agentSpace.low[flatAt]} and high=${this.agentSpace.high[flatAt]} ` +
          `at index ${flatAt}. An empty range cannot be stretched onto the env's bounds.`,
      );
    }
  }

  override get actionSpace(): Space<Float32Array> {
    return this.agentSpace;
  }

  override reset(options?: ResetOptions): [MTObs<EnvObs, TaskObs>, Info] {
    // Seed our own action space the way MTEnvBase seeds its own, so actionSpace.sample() replays.
    if (options?.seed !== undefined) this.agentSpace.seed(Rng.fromSeed(options.seed, "action-space").nextUint32());
    return this.env.reset(options);
  }

  override step(action: Float32Array): StepResult<MTObs<EnvObs, TaskObs>> {
    const reason = explainInvalidAction(this.agentSpace, action);
    if (reason !== undefined) {
      throw new InvalidActionError(`RescaleAction: invalid action: ${reason}. The agent's action space is ${this.agentSpace.toString()}.`);
    }
    return this.env.step(this.toEnvAction(action));
  }

  /** The env action for an agent action: linear map of [low, high] onto the env bounds, clipped. */
  toEnvAction(action: Float32Array): Float32Array {
    const { low, high } = this.agentSpace;
    const envAction = new Float32Array(action.length);
    for (let i = 0; i < action.length; i++) {
      const envLow = this.envSpace.low[i]!;
      const envHigh = this.envSpace.high[i]!;
      const unit = (action[i]! - low[i]!) / (high[i]! - low[i]!);
      envAction[i] = Math.min(Math.max(envLow + unit * (envHigh - envLow), envLow), envHigh);
    }
    return envAction;
  }
}
