import { makeMultiTaskVectorEnv, type MultiTaskVectorEnvOptions } from "../../vector/multi-task-vector-env.js";
import type { VectorEnv } from "../../vector/types.js";
import { METAWORLD_MT10_ID } from "./register.js";

export interface MT10VectorEnvOptions {
  /** "sync" (this thread) or "parallel" (worker threads, one per core by default). */
  readonly mode?: "sync" | "parallel";
  /** Seeds the task streams of the ten environments. */
  readonly seed: number;
  /** Keyword arguments of MT-MetaWorld-MT10-v0 (episodeLength, taskObservation). */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly autoresetMode?: MultiTaskVectorEnvOptions["autoresetMode"];
  readonly parallel?: MultiTaskVectorEnvOptions["parallel"];
}

/**
 * The MT10 vector env the trainer uses: ten environments, environment i running task i
 * (reach, push, pick-place, door-open, drawer-open, drawer-close, button-press-topdown,
 * peg-insert-side, window-open, window-close). Loads MuJoCo first (in every worker too).
 */
export function makeMetaWorldMT10VectorEnv(options: MT10VectorEnvOptions): Promise<VectorEnv> {
  return makeMultiTaskVectorEnv({
    id: METAWORLD_MT10_ID,
    seed: options.seed,
    ...(options.kwargs === undefined ? {} : { kwargs: options.kwargs }),
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.autoresetMode === undefined ? {} : { autoresetMode: options.autoresetMode }),
    ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
  });
}
