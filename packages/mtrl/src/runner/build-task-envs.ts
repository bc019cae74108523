import { Box, ConfigError, Rng, findTaskSet, make, type RegisteredEnv } from "@mtrl/mtenv";
import type { EnvConfig } from "../config/schema.js";

/** The environments of a multi-task run: one per task, each set to its task. */
export interface BuiltTaskEnvs {
  readonly envs: RegisteredEnv[];
  /** The task state of each env (JSON-able, saved with the run). */
  readonly taskStates: unknown[];
  /** Names used in metrics keys: `eval/return/<name>`. */
  readonly taskNames: string[];
}

/**
 * Makes `numTasks` copies of the configured environment and gives copy i task i. Environments
 * with a finite task set (`listTaskStates`) use its first `numTasks` entries in order; others
 * get `numTasks` tasks sampled from a task stream derived from the run seed.
 */
export function buildTaskEnvs(config: EnvConfig, seed: number, purpose: string): BuiltTaskEnvs {
  const envs = Array.from({ length: config.numTasks }, () => make(config.id, { ...config.kwargs }));
  const first = envs[0]!;
  const taskRng = Rng.fromSeed(seed, "tasks");
  const taskSet = findTaskSet(first);
  let taskStates: unknown[];
  if (taskSet !== undefined) {
    if (taskSet.length < config.numTasks) {
      throw new ConfigError(
        `env.numTasks is ${config.numTasks} but ${config.id} has ${taskSet.length} tasks with these kwargs. Set env.numTasks=${taskSet.length} or fewer.`,
      );
    }
    taskStates = taskSet.slice(0, config.numTasks);
  } else {
    first.seedTask(taskRng.nextUint32());
    taskStates = Array.from({ length: config.numTasks }, () => first.sampleTaskState());
  }
  envs.forEach((env, i) => {
    env.seedTask(taskRng.stream(`${purpose}/env${i}`).nextUint32());
    env.setTaskState(taskStates[i]);
  });
  return { envs, taskStates, taskNames: taskStates.map((_, i) => `task${i}`) };
}

/** Maps actions in [-1, 1] to the env's Box bounds. */
export interface ActionScaler {
  readonly actionSize: number;
  /** envActions[i] = low[i] + (agentActions[i] + 1) / 2 · (high[i] − low[i]), row by row. */
  toEnv(agentActions: Float32Array, envActions: Float32Array): void;
}

/** The action scaler for a bounded Box action space; anything else is a ConfigError. */
export function actionScalerFor(env: RegisteredEnv, agentName: string, envId: string): ActionScaler {
  const space = env.actionSpace;
  if (!(space instanceof Box) || !space.isBounded()) {
    throw new ConfigError(
      `${agentName} needs a bounded continuous (Box) action space, but ${envId} has ${space.toString()}. Pick a continuous env such as env=mt-pendulum.`,
    );
  }
  const { low, high, size } = space;
  return {
    actionSize: size,
    toEnv(agentActions, envActions) {
      for (let i = 0; i < agentActions.length; i++) {
        const j = i % size;
        const unit = Math.min(1, Math.max(-1, agentActions[i]!));
        envActions[i] = low[j]! + ((unit + 1) / 2) * (high[j]! - low[j]!);
      }
    },
  };
}
