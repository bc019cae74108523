import { Rng, SpaceMismatchError, type VectorEnv } from "@mtrl/mtenv";

/** What is needed to rebuild the exact position of every env after a restart. */
export interface TaskEnvsState {
  /** Episodes started so far, per env. */
  readonly episodeIndices: number[];
  /** Flat actions taken in the current episode, per env (replayed on restore). */
  readonly actionsInEpisode: number[][];
}

/**
 * The trainer's view of a multi-task vector env (one env per task, sync or worker threads, with
 * autoreset disabled) that adds what exact resumption needs: every episode is reset with a seed
 * derived from (run seed, stream, env, episode index). An env's position is then fully described
 * by its episode index and the actions taken since that episode began, so a checkpoint stores
 * those few numbers instead of physics internals, and `restore` replays them. This works for any
 * deterministic env, in either vector mode.
 */
export class TaskEnvs {
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  /** Current observation of every env, [numEnvs × observationSize]. */
  readonly observations: Float32Array;
  /** After `step`: the true next observation (the final one where an episode ended). */
  readonly nextObservations: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** After `step`: whether the env reported success at that step (info.success). */
  readonly successes: Uint8Array;
  /** Whether any env has ever put a `success` flag in its info (Meta-World-style envs do). */
  reportsSuccess = false;
  private readonly episodeIndices: number[];
  private readonly actionsInEpisode: number[][];
  private readonly seedRoot: Rng;
  private readonly resetMask: Uint8Array;
  private readonly resetSeeds: number[];

  constructor(
    readonly vector: VectorEnv,
    runSeed: number,
    stream: string,
  ) {
    if (vector.autoresetMode !== "disabled") {
      throw new SpaceMismatchError(`TaskEnvs resets episodes itself: build the vector env with AutoresetMode.Disabled, got "${vector.autoresetMode}".`);
    }
    this.numEnvs = vector.numEnvs;
    this.observationSize = vector.singleObservationSpace.spaces.envObs.flatSize;
    this.actionSize = vector.singleActionSpace.flatSize;
    this.observations = new Float32Array(this.numEnvs * this.observationSize);
    this.nextObservations = new Float32Array(this.numEnvs * this.observationSize);
    this.rewards = new Float64Array(this.numEnvs);
    this.terminated = new Uint8Array(this.numEnvs);
    this.truncated = new Uint8Array(this.numEnvs);
    this.successes = new Uint8Array(this.numEnvs);
    this.episodeIndices = new Array<number>(this.numEnvs).fill(0);
    this.actionsInEpisode = Array.from({ length: this.numEnvs }, () => []);
    this.seedRoot = Rng.fromSeed(runSeed, `task-envs/${stream}`);
    this.resetMask = new Uint8Array(this.numEnvs);
    this.resetSeeds = new Array<number>(this.numEnvs).fill(0);
  }

  /** Starts episode 0 of every env. */
  resetAll(): void {
    this.episodeIndices.fill(0);
    this.resetMask.fill(1);
    this.resetMasked();
  }

  /**
   * Steps every env with its row of `actions` ([numEnvs × actionSize], in the env's own units).
   * Ended episodes are reset at once: `observations` then holds the new episode's first
   * observation while `nextObservations` keeps the true final one, which replay must store.
   */
  step(actions: Float32Array): void {
    const result = this.vector.step(actions);
    this.nextObservations.set(result.envObs);
    this.rewards.set(result.rewards);
    this.terminated.set(result.terminated);
    this.truncated.set(result.truncated);
    this.resetMask.fill(0);
    let anyEnded = false;
    for (let i = 0; i < this.numEnvs; i++) {
      const success = result.infos[i]?.success;
      this.successes[i] = success === true ? 1 : 0;
      if (success !== undefined) this.reportsSuccess = true;
      if (result.terminated[i] === 1 || result.truncated[i] === 1) {
        this.episodeIndices[i] = this.episodeIndices[i]! + 1;
        this.resetMask[i] = 1;
        anyEnded = true;
      } else {
        const recorded = this.actionsInEpisode[i]!;
        for (let j = 0; j < this.actionSize; j++) recorded.push(actions[i * this.actionSize + j]!);
      }
    }
    if (anyEnded) this.resetMasked();
    else this.observations.set(result.envObs);
  }

  /** Episode indices and in-episode actions: everything `restore` needs. */
  getState(): TaskEnvsState {
    return { episodeIndices: [...this.episodeIndices], actionsInEpisode: this.actionsInEpisode.map((actions) => [...actions]) };
  }

  /**
   * Brings every env back to the position saved by `getState` by replaying its episode. The
   * vector env steps all envs together, so replays are aligned at their ends: an env with k of
   * the longest K recorded actions starts its episode at step K − k and is driven with
   * placeholder actions before that (whatever they do is undone by its reset).
   */
  restore(state: TaskEnvsState): void {
    const lengths = state.actionsInEpisode.map((actions) => actions.length / this.actionSize);
    const longest = Math.max(0, ...lengths);
    const starts = lengths.map((length) => longest - length);
    const longestEnv = lengths.indexOf(longest);
    state.episodeIndices.forEach((episode, i) => (this.episodeIndices[i] = episode));
    // Every env starts its saved episode; those whose replay starts later are reset again then.
    this.resetMask.fill(1);
    this.resetMasked();
    const actions = new Float32Array(this.numEnvs * this.actionSize);
    for (let t = 0; t < longest; t++) {
      for (let i = 0; i < this.numEnvs; i++) {
        const recorded = t >= starts[i]! ? state.actionsInEpisode[i]! : state.actionsInEpisode[longestEnv]!;
        const at = (t >= starts[i]! ? t - starts[i]! : t) * this.actionSize;
        for (let j = 0; j < this.actionSize; j++) actions[i * this.actionSize + j] = recorded[at + j]!;
      }
      const result = this.vector.step(actions);
      this.resetMask.fill(0);
      for (let i = 0; i < this.numEnvs; i++) {
        const ended = result.terminated[i] === 1 || result.truncated[i] === 1;
        const replaying = t >= starts[i]!;
        if (ended && replaying) {
          throw new SpaceMismatchError(`Replaying task env ${i} ended its episode early: the environment is not deterministic under its seed, so this run cannot be resumed exactly.`);
        }
        // A placeholder that ended its episode, or an env whose real episode starts next step.
        if (ended || starts[i] === t + 1) this.resetMask[i] = 1;
      }
      if (this.resetMask.some((flag) => flag === 1)) this.resetMasked();
      else this.observations.set(result.envObs);
    }
    this.actionsInEpisode.forEach((_, i) => (this.actionsInEpisode[i] = [...state.actionsInEpisode[i]!]));
  }

  close(): Promise<void> {
    return this.vector.close();
  }

  /** Resets the envs flagged in `resetMask`, each with the seed of its current episode index. */
  private resetMasked(): void {
    for (let i = 0; i < this.numEnvs; i++) {
      if (this.resetMask[i] !== 1) continue;
      this.resetSeeds[i] = this.seedRoot.stream(`env${i}/episode${this.episodeIndices[i]}`).nextUint32();
      this.actionsInEpisode[i] = [];
    }
    const result = this.vector.reset({ seed: this.resetSeeds, mask: this.resetMask });
    this.observations.set(result.envObs);
  }
}
