import { ConfigError, ResetNeededError, SeedError, describeValue } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { Info, MTEnv, MTObs, ResetOptions, StepResult } from "../core/types.js";
import { MultiTaskWrapper } from "./multi-task-wrapper.js";

/**
 * Observation delay noise (the reference's `StickyObservation`): after each step, with
 * probability `p` the agent sees one of the `lastK` previous world observations, chosen
 * uniformly, instead of the new one. The task observation is always current — stickiness models
 * a lagging sensor, not a forgotten task.
 *
 * The reference draws from Python's global, unseeded `random`; here the draws come from a stream
 * seeded by `reset({ seed })`, so the same seeds replay the same stale observations. The first
 * reset therefore needs a seed (SeedError otherwise).
 */
export class StickyObservation<EnvObs, TaskObs, Act, TaskState> extends MultiTaskWrapper<EnvObs, TaskObs, Act, TaskState> {
  /** The previous `lastK` observations and the newest, oldest first. */
  private history: EnvObs[] = [];
  private rng: Rng | undefined;

  constructor(
    env: MTEnv<EnvObs, TaskObs, Act, TaskState>,
    readonly p: number,
    readonly lastK: number,
  ) {
    super(env);
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new ConfigError(`StickyObservation: the probability p must be in [0, 1], got p=${describeValue(p)}.`);
    }
    if (!Number.isInteger(lastK) || lastK <= 0) {
      throw new ConfigError(`StickyObservation: lastK (how many past observations may be repeated) must be a positive integer, got lastK=${describeValue(lastK)}.`);
    }
  }

  override reset(options?: ResetOptions): [MTObs<EnvObs, TaskObs>, Info] {
    if (options?.seed === undefined && this.rng === undefined) {
      throw new SeedError("StickyObservation: its RNG is not seeded. Call reset({ seed }) with a seed first.");
    }
    const [observation, info] = this.env.reset(options);
    if (options?.seed !== undefined) this.rng = Rng.fromSeed(options.seed, "sticky-observation");
    this.history = new Array<EnvObs>(this.lastK + 1).fill(observation.envObs);
    return [observation, info];
  }

  override step(action: Act): StepResult<MTObs<EnvObs, TaskObs>> {
    const rng = this.rng;
    if (rng === undefined || this.history.length === 0) {
      throw new ResetNeededError("StickyObservation: step() called before reset(). Call reset({ seed }) to start an episode.");
    }
    const [observation, reward, terminated, truncated, info] = this.env.step(action);
    this.history.shift();
    this.history.push(observation.envObs);
    if (rng.uniform() < this.p) {
      const stale = this.history[rng.integers(0, this.lastK)]!;
      return [{ envObs: stale, taskObs: observation.taskObs }, reward, terminated, truncated, info];
    }
    return [observation, reward, terminated, truncated, info];
  }
}
