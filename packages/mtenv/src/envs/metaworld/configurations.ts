import { Rng } from "../../core/rng.js";
import type { ManipulationTask, TaskConfiguration } from "./task.js";

/** Every task has this many fixed configurations (the reference's 50 pre-sampled goals). */
export const CONFIGURATIONS_PER_TASK = 50;
/**
 * The default benchmark seed: the seed of the configurations when none is given (the reference's
 * `MT10(seed=...)` argument). Part of the benchmark's definition — results quoted without a seed
 * mean this one, so it never changes.
 */
export const DEFAULT_BENCHMARK_SEED = 20240601;

const cache = new Map<string, readonly TaskConfiguration[]>();

/**
 * The task's 50 configurations for `benchmarkSeed`, drawn in order from a stream named after the
 * task (each draw redrawn while objects overlap), so the same seed gives every user the same 50,
 * another seed gives another 50, and adding a task never changes another task's set. A seed that
 * is not an integer in [0, 2^32) is a SeedError.
 */
export function taskConfigurations(task: ManipulationTask, benchmarkSeed: number = DEFAULT_BENCHMARK_SEED): readonly TaskConfiguration[] {
  const key = `${benchmarkSeed}/${task.name}`;
  let configurations = cache.get(key);
  if (configurations === undefined) {
    const rng = Rng.fromSeed(benchmarkSeed, `metaworld/${task.name}`);
    configurations = Object.freeze(Array.from({ length: CONFIGURATIONS_PER_TASK }, () => Object.freeze(task.sampleConfiguration(rng))));
    cache.set(key, configurations);
  }
  return configurations;
}
