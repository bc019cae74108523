import { ConfigError, describeValue } from "../core/errors.js";
import { Rng, assertValidSeed } from "../core/rng.js";
import { findTaskSet } from "../core/task-set.js";
import type { AutoresetMode } from "./autoreset-mode.js";
import { buildEnv } from "./build-env.js";
import { importEnvModules, loadBuiltinEnvs, toImportable } from "./env-modules.js";
import { ParallelVectorEnv, type ParallelVectorEnvOptions } from "./parallel-vector-env.js";
import { deriveEnvSeed } from "./seeding.js";
import { SyncVectorEnv } from "./sync-vector-env.js";
import type { VectorEnv, VectorEnvSpec } from "./types.js";

export interface MultiTaskVectorEnvOptions {
  /** A registered id. */
  readonly id: string;
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Overrides the registered time limit; `null` disables it. */
  readonly maxEpisodeSteps?: number | null;
  /**
   * The tasks, one environment each: env i gets `setTaskState(taskStates[i])`. They cross to
   * worker threads by structured clone, so keep them plain data (JSON-like values or typed arrays).
   */
  readonly taskStates?: readonly unknown[];
  /**
   * Instead of taskStates: the first `numTasks` of the env's finite task set (`listTaskStates`),
   * or, for an env without one, `numTasks` task states sampled from its task stream (seeded by
   * `seed`). With neither option, the env's whole finite task set.
   */
  readonly numTasks?: number;
  /** "sync" (this thread) or "parallel" (worker threads). Default "sync". */
  readonly mode?: "sync" | "parallel";
  /** Seeds the task streams (env i: `seedTask(seed + i)`) and the sampling of task states. */
  readonly seed: number;
  readonly autoresetMode?: AutoresetMode;
  /** Modules that register `id` when it is not one of this package's environments. */
  readonly imports?: readonly string[];
  /** Worker options for mode "parallel". */
  readonly parallel?: Omit<ParallelVectorEnvOptions, "autoresetMode" | "imports">;
}

/**
 * A vector env that runs one environment per task — the MT10 pattern: environment i is built
 * with `make(id, kwargs)`, its task stream seeded with `seed + i`, then `setTaskState(taskStates[i])`.
 * Its task states are fixed for the whole run; `call("getTaskState")` lists them. Call
 * `reset({ seed })` before stepping, as with any vector env.
 */
export async function makeMultiTaskVectorEnv(options: MultiTaskVectorEnvOptions): Promise<VectorEnv> {
  assertValidSeed(options.seed, "makeMultiTaskVectorEnv seed");
  const mode = options.mode ?? "sync";
  if (mode !== "sync" && mode !== "parallel") {
    throw new ConfigError(`makeMultiTaskVectorEnv mode must be "sync" or "parallel", got ${describeValue(mode)}.`);
  }
  const imports = (options.imports ?? []).map(toImportable);
  await loadBuiltinEnvs([options.id]);
  await importEnvModules(imports);
  const taskStates = resolveTaskStates(options);
  const base = {
    id: options.id,
    ...(options.kwargs === undefined ? {} : { kwargs: options.kwargs }),
    ...(options.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: options.maxEpisodeSteps }),
  };
  const specs: VectorEnvSpec[] = taskStates.map((taskState, i) => ({ ...base, taskSeed: deriveEnvSeed(options.seed, i), taskState }));
  const autoreset = options.autoresetMode === undefined ? {} : { autoresetMode: options.autoresetMode };
  if (mode === "sync") return new SyncVectorEnv(specs, autoreset);
  return ParallelVectorEnv.create(specs, { ...options.parallel, ...autoreset, imports });
}

/** The task of every environment, from the options or from one environment built here. */
function resolveTaskStates(options: MultiTaskVectorEnvOptions): unknown[] {
  const { taskStates, numTasks } = options;
  if (taskStates !== undefined && numTasks !== undefined) {
    throw new ConfigError("makeMultiTaskVectorEnv takes taskStates or numTasks, not both: taskStates already fixes the number of tasks.");
  }
  if (taskStates !== undefined) {
    if (!Array.isArray(taskStates) || taskStates.length === 0) {
      throw new ConfigError(`makeMultiTaskVectorEnv taskStates must be a non-empty array (one entry per environment), got ${describeValue(taskStates)}.`);
    }
    return taskStates.map((state, i) => cloneable(state, i));
  }
  if (numTasks !== undefined && (!Number.isInteger(numTasks) || numTasks <= 0)) {
    throw new ConfigError(`makeMultiTaskVectorEnv numTasks must be a positive integer, got ${describeValue(numTasks)}.`);
  }
  const probe = buildEnv({
    id: options.id,
    ...(options.kwargs === undefined ? {} : { kwargs: options.kwargs }),
    // A stream of its own, so that sampling tasks does not replay env 0's task stream.
    taskSeed: Rng.fromSeed(options.seed, "multi-task-vector-env/task-states").nextUint32(),
  });
  try {
    const taskSet = findTaskSet(probe);
    if (taskSet !== undefined) {
      const count = numTasks ?? taskSet.length;
      if (count > taskSet.length) {
        throw new ConfigError(
          `makeMultiTaskVectorEnv: "${options.id}" has ${taskSet.length} tasks, but numTasks is ${count}. Use numTasks <= ${taskSet.length}, or omit it for all of them.`,
        );
      }
      return taskSet.slice(0, count).map((state, i) => cloneable(state, i));
    }
    if (numTasks === undefined) {
      throw new ConfigError(
        `makeMultiTaskVectorEnv: "${options.id}" has no finite task set, so say how many tasks to sample with numTasks, or pass taskStates.`,
      );
    }
    return Array.from({ length: numTasks }, (_, i) => cloneable(probe.sampleTaskState(), i));
  } finally {
    probe.close();
  }
}

/** A private copy of a task state, or a ConfigError if it cannot cross to a worker thread. */
function cloneable(state: unknown, index: number): unknown {
  try {
    return structuredClone(state);
  } catch (error) {
    throw new ConfigError(
      `Task state ${index} cannot be sent to a worker (${error instanceof Error ? error.message : String(error)}); task states must be plain data such as numbers, arrays, objects or typed arrays.`,
    );
  }
}
