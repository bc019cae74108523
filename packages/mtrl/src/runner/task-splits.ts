import { ConfigError, HIPBMDP_SPLITS, MUJOCO_ENV_IDS } from "@mtrl/mtenv";
import type { EnvConfig, ExperimentConfig, TrainConfig } from "../config/schema.js";
import { buildTaskEnvs, buildTaskEnvsFor, type BuiltTaskEnvs } from "./build-task-envs.js";

/**
 * A named split of an environment's variants (task states): the agent trains on `train` and is
 * evaluated on those and on every held-out group of `heldOut`, each group's returns under its own
 * metric keys (`eval/<group>/return/variant<k>`, `eval/<group>/mean_return`).
 */
export interface TaskSplit {
  readonly name: string;
  /** Variant indices (0-based task states) trained on, one env each. */
  readonly train: readonly number[];
  /** Held-out groups of variants, evaluated only (never trained on), in report order. */
  readonly heldOut: Readonly<Record<string, readonly number[]>>;
  /** Which env ids the split is defined for. */
  readonly envIds: readonly string[];
}

/**
 * The splits `env.split` may name. hipbmdp: the reference MTRL's HiP-BMDP experiment on any of the
 * four HiP-BMDP families — train on the 1-based variant files 3, 4, 7, 8, interpolate to 5, 6,
 * extrapolate to 2, 9 (0-based here: 2, 3, 6, 7 / 4, 5 / 1, 8; mtenv's HIPBMDP_SPLITS).
 */
export const TASK_SPLITS: Readonly<Record<string, TaskSplit>> = {
  hipbmdp: {
    name: "hipbmdp",
    train: HIPBMDP_SPLITS.train,
    heldOut: { interpolation: HIPBMDP_SPLITS.interpolation, extrapolation: HIPBMDP_SPLITS.extrapolation },
    envIds: MUJOCO_ENV_IDS.filter((id) => id.startsWith("MT-HiPBMDP-")),
  },
};

export const TASK_SPLIT_NAMES = Object.keys(TASK_SPLITS);

/** The metric-key name of a variant (its 0-based task state): `variant<k>`. */
export function variantName(variant: number): string {
  return `variant${variant}`;
}

/**
 * The split a config asks for (`env.split`), checked against the rest of the config, or null when
 * it names none. ConfigErrors say what was expected and how to fix it: the env must be one the
 * split is defined for, `env.numTasks` must be the number of training variants, and the agent must
 * not read the task identity — the held-out variants are tasks it never saw, so a one-hot or
 * learned task encoding (or a per-task head) would feed it an input it was never trained on.
 */
export function taskSplitOf(config: TrainConfig): TaskSplit | null {
  const name = config.env.split;
  if (name === undefined) return null;
  const split = TASK_SPLITS[name];
  if (split === undefined) throw new ConfigError(`env.split: expected one of ${TASK_SPLIT_NAMES.join(", ")}, got ${JSON.stringify(name)}. Remove env.split to train and evaluate on the first env.numTasks tasks.`);
  if (!split.envIds.includes(config.env.id)) {
    throw new ConfigError(`env.split=${name} is defined for ${split.envIds.join(", ")}, got env.id ${config.env.id}. Pick one of those ids (e.g. env=hipbmdp-finger-spin) or remove env.split.`);
  }
  if (config.env.numTasks !== split.train.length) {
    throw new ConfigError(`env.split=${name} trains on ${split.train.length} variants (${split.train.join(", ")}), so env.numTasks must be ${split.train.length}, got ${config.env.numTasks}. Set env.numTasks=${split.train.length}.`);
  }
  const agent = config.agent;
  const taskSpecific = [
    agent.taskEncoder.type !== "none" ? `agent.taskEncoder.type=${agent.taskEncoder.type}` : null,
    agent.actor.head !== "single" ? `agent.actor.head=${agent.actor.head}` : null,
    agent.critic.head !== "single" ? `agent.critic.head=${agent.critic.head}` : null,
  ].filter((entry) => entry !== null);
  if (taskSpecific.length > 0) {
    throw new ConfigError(
      `env.split=${name} evaluates on variants the agent never trained on, so its policy must not read the task identity; got ${taskSpecific.join(" and ")}. ` +
        `Use agent.taskEncoder.type=none with single heads (agent=hipbmdp does).`,
    );
  }
  return split;
}

/** The envs of some variants of the configured env, one per variant in order, named `variant<k>`. */
export function buildVariantEnvs(env: EnvConfig, experiment: ExperimentConfig, purpose: string, variants: readonly number[]): Promise<BuiltTaskEnvs> {
  return buildTaskEnvsFor(env, experiment, purpose, { taskStates: [...variants] }, variants.map(variantName));
}

/** The envs an agent trains on (or is evaluated on as trained): the split's training variants, or the first env.numTasks tasks. */
export async function buildTrainingEnvs(config: TrainConfig, purpose: "train" | "eval"): Promise<BuiltTaskEnvs> {
  const split = taskSplitOf(config);
  return split === null ? buildTaskEnvs(config.env, config.experiment, purpose) : buildVariantEnvs(config.env, config.experiment, purpose, split.train);
}

/** One vector env per held-out group of the split (none without a split). */
export async function buildHeldOutEnvs(config: TrainConfig): Promise<{ readonly group: string; readonly envs: BuiltTaskEnvs }[]> {
  const split = taskSplitOf(config);
  if (split === null) return [];
  const groups: { group: string; envs: BuiltTaskEnvs }[] = [];
  for (const [group, variants] of Object.entries(split.heldOut)) groups.push({ group, envs: await buildVariantEnvs(config.env, config.experiment, `eval/${group}`, variants) });
  return groups;
}

/**
 * An evaluation's metrics of one held-out group, keyed under the group:
 * `eval/<group>/return/<variant>` (and `/success/`) and `eval/<group>/mean_return`.
 */
export function heldOutMetrics(group: string, metrics: Readonly<Record<string, number>>, meanReturn: number, meanSuccess: number | null): Record<string, number> {
  const keyed: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics)) keyed[key.replace(/^eval\//, `eval/${group}/`)] = value;
  keyed[`eval/${group}/mean_return`] = meanReturn;
  if (meanSuccess !== null) keyed[`eval/${group}/mean_success`] = meanSuccess;
  return keyed;
}
