import { Rng } from "../../core/rng.js";
import type { ManipulationTask, TaskConfiguration } from "./task.js";

/** Every task has this many fixed configurations (the reference's 50 pre-sampled goals). */
export const CONFIGURATIONS_PER_TASK = 50;
/**
 * The seed of the fixed configurations. Part of the benchmark's definition: changing it changes
 * every published number, so it never changes (the reference's unseeded goals are a known pain).
 */
export const CONFIGURATION_SEED = 20240601;

const cache = new Map<string, readonly TaskConfiguration[]>();

/**
 * The task's 50 configurations, drawn in order from a stream named after the task, so every
 * user gets the same 50 and adding a task never changes another task's set.
 */
export function taskConfigurations(task: ManipulationTask): readonly TaskConfiguration[] {
  let configurations = cache.get(task.name);
  if (configurations === undefined) {
    const rng = Rng.fromSeed(CONFIGURATION_SEED, `metaworld/${task.name}`);
    configurations = Object.freeze(Array.from({ length: CONFIGURATIONS_PER_TASK }, () => Object.freeze(task.sampleConfiguration(rng))));
    cache.set(task.name, configurations);
  }
  return configurations;
}
