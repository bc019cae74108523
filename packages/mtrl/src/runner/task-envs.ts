import { Rng, SpaceMismatchError, type Info, type RegisteredEnv, type Space } from "@mtrl/mtenv";

/** What is needed to rebuild the exact position of every env after a restart. */
export interface TaskEnvsState {
  /** Episodes started so far, per env. */
  readonly episodeIndices: number[];
  /** Flat actions taken in the current episode, per env (replayed on restore). */
  readonly actionsInEpisode: number[][];
}

/**
 * One environment per task, stepped together — the MT10 pattern — with a property the trainer
 * needs for exact resumption: every episode is reset with a seed derived from (run seed, stream,
 * env, episode index). An env's position is therefore fully described by its episode index and the
 * actions taken since that episode began, so a checkpoint stores those few numbers instead of
 * physics internals, and `restore` replays them. This works for any deterministic env.
 */
export class TaskEnvs {
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly actionSpace: Space<unknown>;
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

  constructor(
    readonly envs: readonly RegisteredEnv[],
    runSeed: number,
    stream: string,
  ) {
    if (envs.length === 0) throw new SpaceMismatchError("TaskEnvs needs at least one environment, got none.");
    const first = envs[0]!;
    this.actionSpace = first.actionSpace;
    const observationSpace = first.observationSpace.spaces.envObs;
    envs.forEach((env, i) => {
      if (!env.actionSpace.equals(this.actionSpace) || !env.observationSpace.spaces.envObs.equals(observationSpace)) {
        throw new SpaceMismatchError(`Task env ${i} has other spaces than task env 0; every task of a multi-task run must share action and observation spaces.`);
      }
    });
    this.numEnvs = envs.length;
    this.observationSize = observationSpace.flatSize;
    this.actionSize = this.actionSpace.flatSize;
    this.observations = new Float32Array(this.numEnvs * this.observationSize);
    this.nextObservations = new Float32Array(this.numEnvs * this.observationSize);
    this.rewards = new Float64Array(this.numEnvs);
    this.terminated = new Uint8Array(this.numEnvs);
    this.truncated = new Uint8Array(this.numEnvs);
    this.successes = new Uint8Array(this.numEnvs);
    this.episodeIndices = new Array<number>(this.numEnvs).fill(0);
    this.actionsInEpisode = Array.from({ length: this.numEnvs }, () => []);
    this.seedRoot = Rng.fromSeed(runSeed, `task-envs/${stream}`);
  }

  /** Starts episode 0 of every env. */
  resetAll(): void {
    for (let i = 0; i < this.numEnvs; i++) {
      this.episodeIndices[i] = 0;
      this.startEpisode(i);
    }
  }

  /**
   * Steps every env with its row of `actions` ([numEnvs × actionSize]). Ended episodes are
   * reset at once: `observations` then holds the new episode's first observation while
   * `nextObservations` keeps the true final one, which is what the replay buffer must store.
   */
  step(actions: Float32Array): void {
    for (let i = 0; i < this.numEnvs; i++) this.stepOne(i, actions.subarray(i * this.actionSize, (i + 1) * this.actionSize));
  }

  /** Episode indices and in-episode actions: everything `restore` needs. */
  getState(): TaskEnvsState {
    return { episodeIndices: [...this.episodeIndices], actionsInEpisode: this.actionsInEpisode.map((actions) => [...actions]) };
  }

  /** Brings every env back to the position saved by `getState` by replaying its episode. */
  restore(state: TaskEnvsState): void {
    for (let i = 0; i < this.numEnvs; i++) {
      this.episodeIndices[i] = state.episodeIndices[i]!;
      this.startEpisode(i);
      const actions = state.actionsInEpisode[i]!;
      for (let start = 0; start < actions.length; start += this.actionSize) {
        const action = Float32Array.from(actions.slice(start, start + this.actionSize));
        const [observation, , terminated, truncated] = this.envs[i]!.step(this.toEnvAction(action));
        this.lastObservations[i] = observation;
        if (terminated || truncated) throw new SpaceMismatchError(`Replaying task env ${i} ended its episode early: the environment is not deterministic under its seed, so this run cannot be resumed exactly.`);
        this.actionsInEpisode[i]!.push(...action);
      }
      this.writeObservation(this.observations, i, this.lastObservations[i]);
    }
  }

  close(): void {
    for (const env of this.envs) env.close();
  }

  private readonly lastObservations: unknown[] = [];

  private stepOne(i: number, action: Float32Array): void {
    const env = this.envs[i]!;
    const [observation, reward, terminated, truncated, info] = env.step(this.toEnvAction(action));
    this.rewards[i] = reward;
    this.terminated[i] = terminated ? 1 : 0;
    this.truncated[i] = truncated ? 1 : 0;
    const success = (info as Info).success;
    this.successes[i] = success === true ? 1 : 0;
    if (success !== undefined) this.reportsSuccess = true;
    this.writeObservation(this.nextObservations, i, observation);
    if (terminated || truncated) {
      this.episodeIndices[i] = this.episodeIndices[i]! + 1;
      this.startEpisode(i);
    } else {
      this.actionsInEpisode[i]!.push(...action);
      this.lastObservations[i] = observation;
      this.writeObservation(this.observations, i, observation);
    }
  }

  private startEpisode(i: number): void {
    this.actionsInEpisode[i] = [];
    const seed = this.seedRoot.stream(`env${i}/episode${this.episodeIndices[i]}`).nextUint32();
    const [observation] = this.envs[i]!.reset({ seed });
    this.lastObservations[i] = observation;
    this.writeObservation(this.observations, i, observation);
  }

  private writeObservation(target: Float32Array, i: number, observation: unknown): void {
    const envObs = (observation as { envObs: unknown }).envObs;
    this.envs[i]!.observationSpace.spaces.envObs.flattenInto(envObs, target, i * this.observationSize);
  }

  /** Continuous actions pass through; a Discrete space gets the integer the agent chose. */
  private toEnvAction(action: Float32Array): unknown {
    return this.actionSpace.unflatten(action, 0);
  }
}
