import type { Info, MTObs, MTObservationSpace } from "../core/types.js";
import type { DictSpace } from "../spaces/dict.js";
import type { FlatArray, Space } from "../spaces/space.js";
import type { AutoresetMode } from "./autoreset-mode.js";
import type { BatchedSpace } from "./batched-space.js";

/**
 * A serialisable recipe for one environment, so that a worker thread can build it through the
 * registry. Everything here must survive structured cloning (plain data, typed arrays).
 */
export interface VectorEnvSpec {
  /** A registered id, e.g. "MT-CartPole-v0". */
  readonly id: string;
  /** Keyword arguments for `make(id, kwargs)`. */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Overrides the registered time limit; `null` disables it. */
  readonly maxEpisodeSteps?: number | null;
  /** Seeds the task stream (`seedTask`) right after construction. */
  readonly taskSeed?: number;
  /** Applied with `setTaskState` after `seedTask` (the one-env-per-task pattern). */
  readonly taskState?: unknown;
}

/** Options shared by both vector envs. */
export interface VectorEnvOptions {
  /** Default AutoresetMode.NextStep, as in Gymnasium. */
  readonly autoresetMode?: AutoresetMode;
}

export interface VectorResetOptions {
  /**
   * One number: environment i is seeded with `deriveEnvSeed(seed, i)` (= seed + i mod 2^32, as in
   * Gymnasium, so env i alone is reproducible with that seed). An array gives each env its seed.
   */
  readonly seed?: number | readonly number[];
  /** Passed to every environment's `reset({ options })`. */
  readonly options?: Record<string, unknown>;
  /**
   * Resets only the environments whose entry is truthy (needed with AutoresetMode.Disabled); the
   * others keep their current observation and episode.
   */
  readonly mask?: ArrayLike<boolean | number>;
}

/**
 * Batched observations. The arrays are owned by the vector env and overwritten by the next
 * `reset`/`step` — copy what you keep (a replay buffer copies anyway).
 */
export interface VectorResetResult {
  /**
   * [numEnvs × singleObservationSpace.spaces.envObs.flatSize], row i is env i: a Uint8Array when
   * the env observation space is all bytes (`flatDtype` "uint8", e.g. pixels), else a Float32Array.
   */
  readonly envObs: FlatArray;
  /** [numEnvs × singleObservationSpace.spaces.taskObs.flatSize]. */
  readonly taskObs: Float32Array;
  readonly infos: readonly Info[];
}

export interface VectorStepResult extends VectorResetResult {
  /** Float64 so that rewards are exactly what the environments returned. */
  readonly rewards: Float64Array;
  /** 1 where the episode reached a terminal state. */
  readonly terminated: Uint8Array;
  /** 1 where the episode was cut short (time limit). */
  readonly truncated: Uint8Array;
}

/** The batched view of the observations: row i of each Float32Array is env i, flattened. */
export type BatchedObservationSpace = DictSpace<{ envObs: BatchedSpace<FlatArray>; taskObs: BatchedSpace }>;

/**
 * Several copies of a multi-task environment stepped together. `singleObservationSpace` and
 * `singleActionSpace` describe one environment; `observationSpace`/`actionSpace` the batch.
 */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly autoresetMode: AutoresetMode;
  readonly singleObservationSpace: MTObservationSpace<unknown, unknown>;
  readonly singleActionSpace: Space<unknown>;
  readonly observationSpace: BatchedObservationSpace;
  /** Batched actions: a Float32Array of numEnvs × singleActionSpace.flatSize (one value per env for Discrete). */
  readonly actionSpace: BatchedSpace;
  reset(options?: VectorResetOptions): VectorResetResult;
  step(actions: Float32Array): VectorStepResult;
  /** Row `index` of the current observation buffers as single-space members ({ envObs, taskObs }). */
  observationAt(index: number): MTObs<unknown, unknown>;
  /** Calls `method(...args)` on every environment and returns the results in env order. */
  call(method: string, ...args: unknown[]): unknown[];
  /** Releases the environments (and worker threads). Further calls throw ClosedEnvironmentError. */
  close(): Promise<void>;
  readonly isClosed: boolean;
}

/** The final observation that `infos[i].finalObservation` holds under AutoresetMode.SameStep. */
export type FinalObservation = MTObs<unknown, unknown>;
