import { ConfigError, describeValue } from "../core/errors.js";
import type { AnyMTEnv } from "../core/types.js";
import { make, type MakeOptions } from "../registry/registry.js";
import type { VectorEnvSpec } from "./types.js";

/**
 * Builds one environment from its serialisable spec: `make(id, kwargs)`, then `seedTask`, then
 * `setTaskState` — the same order in the main thread and in a worker, which is what makes the
 * sync and parallel vector envs agree bit for bit.
 */
export function buildEnv(spec: VectorEnvSpec): AnyMTEnv {
  assertVectorEnvSpec(spec);
  const options: MakeOptions = spec.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: spec.maxEpisodeSteps };
  const env = make(spec.id, { ...spec.kwargs }, options) as AnyMTEnv;
  try {
    if (spec.taskSeed !== undefined) env.seedTask(spec.taskSeed);
    if (spec.taskState !== undefined) env.setTaskState(structuredClone(spec.taskState));
  } catch (error) {
    env.close();
    throw error;
  }
  return env;
}

/** Rejects specs a worker could not rebuild, naming the field. */
export function assertVectorEnvSpec(spec: unknown, where = "environment spec"): asserts spec is VectorEnvSpec {
  if (typeof spec !== "object" || spec === null) {
    throw new ConfigError(`Expected ${where} to be { id, kwargs?, maxEpisodeSteps?, taskSeed?, taskState? }, got ${describeValue(spec)}.`);
  }
  const record = spec as Record<string, unknown>;
  if (typeof record.id !== "string") {
    throw new ConfigError(`Expected ${where}.id to be a registered environment id (string), got ${describeValue(record.id)}.`);
  }
  if (record.kwargs !== undefined && (typeof record.kwargs !== "object" || record.kwargs === null || Array.isArray(record.kwargs))) {
    throw new ConfigError(`Expected ${where}.kwargs to be an object of keyword arguments, got ${describeValue(record.kwargs)}.`);
  }
}
