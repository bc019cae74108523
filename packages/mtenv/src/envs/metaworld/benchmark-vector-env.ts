import { makeMultiTaskVectorEnv, type MultiTaskVectorEnvOptions } from "../../vector/multi-task-vector-env.js";
import type { VectorEnv } from "../../vector/types.js";
import { METAWORLD_MT10_ID, METAWORLD_MT50_ID } from "./register.js";

export interface MetaWorldVectorEnvOptions {
  /**
   * "sync" (this thread) or "parallel": worker threads, one per core by default, each stepping its
   * share of the environments (MT50 on 2 cores: 25 per worker).
   */
  readonly mode?: "sync" | "parallel";
  /** Seeds the task streams of the environments. */
  readonly seed: number;
  /** Keyword arguments of the benchmark's id (episodeLength, taskObservation, benchmarkSeed). */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly autoresetMode?: MultiTaskVectorEnvOptions["autoresetMode"];
  /** Worker options for "parallel", e.g. `numWorkers`. */
  readonly parallel?: MultiTaskVectorEnvOptions["parallel"];
}

/** The options of the MT10 vector env (kept as a name of its own for existing callers). */
export type MT10VectorEnvOptions = MetaWorldVectorEnvOptions;

/**
 * The MT10 vector env the trainer uses: ten environments, environment i running task i
 * (reach, push, pick-place, door-open, drawer-open, drawer-close, button-press-topdown,
 * peg-insert-side, window-open, window-close). Loads MuJoCo first (in every worker too).
 */
export function makeMetaWorldMT10VectorEnv(options: MetaWorldVectorEnvOptions): Promise<VectorEnv> {
  return makeBenchmarkVectorEnv(METAWORLD_MT10_ID, options);
}

/**
 * The MT50 vector env: fifty environments, environment i running task i of MT50's order
 * (MT50_TASK_NAMES). In "parallel" mode the fifty are spread over one worker thread per core.
 */
export function makeMetaWorldMT50VectorEnv(options: MetaWorldVectorEnvOptions): Promise<VectorEnv> {
  return makeBenchmarkVectorEnv(METAWORLD_MT50_ID, options);
}

/** One environment per task of the benchmark `id`, its whole task set. */
function makeBenchmarkVectorEnv(id: string, options: MetaWorldVectorEnvOptions): Promise<VectorEnv> {
  return makeMultiTaskVectorEnv({
    id,
    seed: options.seed,
    ...(options.kwargs === undefined ? {} : { kwargs: options.kwargs }),
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.autoresetMode === undefined ? {} : { autoresetMode: options.autoresetMode }),
    ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
  });
}
