import { Box, ConfigError, MTError, registry as defaultRegistry, type EnvRegistry } from "@mtrl/mtenv";
import { taskSplitOf } from "../runner/task-splits.js";
import type { TrainConfig } from "./schema.js";

/**
 * Checks the env section against the environment registry before a run folder is created: the id
 * exists, its kwargs pass the environment's own schema, and the agent can act in its action space.
 * The config schema alone cannot know these, because the registry is open-ended.
 */
export function checkEnvironment(config: TrainConfig, registry: EnvRegistry = defaultRegistry): void {
  const { id, kwargs } = config.env;
  if (!registry.has(id)) {
    try {
      registry.spec(id);
    } catch (error) {
      // The registry's message already carries "did you mean" and how to list ids.
      throw new ConfigError(`env.id: ${(error as Error).message}`);
    }
  }
  let parsedKwargs: Record<string, unknown>;
  try {
    parsedKwargs = registry.parseKwargs(id, { ...kwargs });
  } catch (error) {
    if (error instanceof MTError) throw new ConfigError(`env.kwargs: ${error.message}`);
    throw error;
  }
  if (config.agent.type === "mtsac") {
    const env = registry.make(id, parsedKwargs);
    try {
      if (!(env.actionSpace instanceof Box)) {
        throw new ConfigError(
          `env.id: agent "mtsac" needs a continuous (Box) action space, but ${id} has ${env.actionSpace.constructor.name} actions. ` +
            `Pick a continuous environment (e.g. env=mt-pendulum).`,
        );
      }
    } finally {
      env.close();
    }
  }
  // env.split: the env it is defined for, env.numTasks and an agent that does not read the task.
  taskSplitOf(config);
}
