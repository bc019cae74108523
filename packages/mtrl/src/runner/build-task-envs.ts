import { AutoresetMode, Box, ConfigError, Rng, findTaskDescriber, findTaskNames, make, makeMultiTaskVectorEnv, type RegisteredEnv, type Space, type VectorEnv } from "@mtrl/mtenv";
import type { EnvConfig, ExperimentConfig } from "../config/schema.js";

/** The environments of a multi-task run: one per task, each set to its task. */
export interface BuiltTaskEnvs {
  readonly vector: VectorEnv;
  /** The task state of each env (JSON-able, saved with the run). */
  readonly taskStates: unknown[];
  /** Names used in metrics keys: `eval/return/<name>`. */
  readonly taskNames: string[];
  /** The env's sentence for each task ("" when it describes none): metadata task encoders read them. */
  readonly taskDescriptions: string[];
  /** The env's task observation (`taskObs`, flattened) of each task: the observation task encoder reads them. */
  readonly taskObservations: Float32Array[];
}

/**
 * A vector env of `numTasks` copies of the configured environment, copy i on task i (the env's
 * finite task set in order when it has one, else tasks sampled from a stream of the run seed),
 * with autoreset disabled because TaskEnvs seeds every episode itself.
 */
export function buildTaskEnvs(env: EnvConfig, experiment: ExperimentConfig, purpose: "train" | "eval"): Promise<BuiltTaskEnvs> {
  return buildTaskEnvsFor(env, experiment, purpose, { numTasks: env.numTasks });
}

/**
 * A vector env of copies of the configured environment on the given tasks: the first `numTasks`
 * (as buildTaskEnvs) or these `taskStates`, one copy each, in order. Its seed is drawn from the
 * run seed's stream `tasks/<purpose>`, so train and eval envs (and each held-out group) get their
 * own. `taskNames`, when given, names the tasks in metrics keys instead of the env's own names.
 */
export async function buildTaskEnvsFor(
  env: EnvConfig,
  experiment: ExperimentConfig,
  purpose: string,
  tasks: { readonly numTasks: number } | { readonly taskStates: readonly unknown[] },
  taskNames?: readonly string[],
): Promise<BuiltTaskEnvs> {
  const vector = await makeMultiTaskVectorEnv({
    id: env.id,
    kwargs: { ...env.kwargs },
    ...tasks,
    mode: experiment.vectorEnv,
    seed: Rng.fromSeed(experiment.seed, `tasks/${purpose}`).nextUint32(),
    autoresetMode: AutoresetMode.Disabled,
  });
  const taskStates = vector.call("getTaskState");
  return { vector, taskStates, ...describeTasks(env, taskStates, taskNames) };
}

/**
 * Names for metrics keys (`eval/return/<name>`): `taskNames` when given, else the env's own task
 * names when it has them (MT10: "reach", "push", ...), else "task0", "task1", ... The env's names
 * are made safe for keys. Descriptions: the env's sentence for each env's task state, or "" when it
 * has none. Task observations: what the env shows of each task in `taskObs` (a one-hot, an index,
 * parameters).
 */
function describeTasks(env: EnvConfig, taskStates: readonly unknown[], taskNames: readonly string[] | undefined): { taskNames: string[]; taskDescriptions: string[]; taskObservations: Float32Array[] } {
  const count = taskStates.length;
  const probe = make(env.id, { ...env.kwargs });
  try {
    const describe = findTaskDescriber(probe);
    return {
      taskNames: taskNames === undefined ? envTaskNames(probe, count) : [...taskNames],
      taskDescriptions: taskStates.map((state) => (describe === undefined ? "" : describe(state))),
      taskObservations: taskStates.map((state) => {
        probe.setTaskState(state);
        const space = probe.observationSpace.spaces.taskObs;
        const flat = new Float32Array(space.flatSize);
        space.flattenInto(probe.getTaskObs(), flat, 0);
        return flat;
      }),
    };
  } finally {
    probe.close();
  }
}

/** The env's first `count` task names made safe for metrics keys, or "task0", "task1", ... when it has no distinct names for them. */
function envTaskNames(probe: RegisteredEnv, count: number): string[] {
  const names = findTaskNames(probe);
  const usable = names !== undefined && names.length >= count && new Set(names.slice(0, count)).size === count;
  return Array.from({ length: count }, (_, i) => (usable ? names[i]!.replace(/[^A-Za-z0-9_.-]/g, "_") : `task${i}`));
}

/** Maps actions in [-1, 1] to the env's Box bounds. */
export interface ActionScaler {
  readonly actionSize: number;
  /** envActions[i] = low[i] + (agentActions[i] + 1) / 2 · (high[i] − low[i]), row by row. */
  toEnv(agentActions: Float32Array, envActions: Float32Array): void;
}

/** The action scaler for a bounded Box action space; anything else is a ConfigError. */
export function actionScalerFor(space: Space<unknown>, agentName: string, envId: string): ActionScaler {
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
