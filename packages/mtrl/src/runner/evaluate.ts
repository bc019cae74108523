import { ConfigError } from "@mtrl/core";
import { loadKernels, type Kernels } from "@mtrl/nn";
import { MTSACAgent } from "../agents/mtsac-agent.js";
import { readTrainConfig } from "../config/config-file.js";
import { runPaths } from "../run-folder/run-dir.js";
import { actionScalerFor } from "./build-task-envs.js";
import { CheckpointStore } from "./checkpoint.js";
import { evaluatePolicy } from "./evaluate-policy.js";
import type { EvaluationProtocol } from "./evaluation-protocol.js";
import { assertMetaWorldProtocolEnv, evaluateMetaWorldProtocol } from "./metaworld-protocol.js";
import { imageShapeOf } from "./replay-layout.js";
import { buildHeldOutEnvs, buildTrainingEnvs, heldOutMetrics } from "./task-splits.js";

export interface EvaluateRunOptions {
  /** Episodes per task; default: the run's experiment.evalEpisodes. */
  readonly episodes?: number;
  /** Aborting stops the evaluation with an error (no partial numbers are reported). */
  readonly signal?: AbortSignal;
  /** Kernels; default `loadKernels()`. */
  readonly kernels?: Kernels;
  /**
   * "default": `episodes` seeded episodes per task. "metaworld": Meta-World's protocol — one
   * episode per fixed configuration (50 per task), ended by the first success (a Meta-World MT10
   * run only; `episodes` must then be omitted).
   */
  readonly protocol?: EvaluationProtocol;
}

export interface EvaluateRunResult {
  /** The training step of the checkpoint that was evaluated. */
  readonly step: number;
  /** `eval/return/<task>` and, when the env reports success, `eval/success/<task>`; with env.split also `eval/<group>/...` of each held-out group. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly meanReturn: number;
  /** Mean success rate over tasks, or null when the env reports no success flag. */
  readonly meanSuccess: number | null;
}

/**
 * Evaluates the latest checkpoint of a run folder with the deterministic policy on every task,
 * with the run's own config.yaml (same envs, same tasks, same network sizes).
 */
export async function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): Promise<EvaluateRunResult> {
  const paths = runPaths(runDir);
  const config = readTrainConfig(paths.config);
  const saved = new CheckpointStore(paths.checkpoints).loadLatestAgent();
  if (saved === undefined) throw new ConfigError(`${paths.dir} has no checkpoint to evaluate yet; train it first (checkpoints come every experiment.checkpointEvery steps).`);
  const episodes = options.episodes ?? config.experiment.evalEpisodes;
  if (!Number.isInteger(episodes) || episodes <= 0) throw new ConfigError(`episodes must be a positive integer, got ${episodes}.`);
  const metaworldProtocol = options.protocol === "metaworld";
  if (metaworldProtocol) {
    assertMetaWorldProtocolEnv(config.env.id);
    if (options.episodes !== undefined) throw new ConfigError(`The metaworld protocol runs one episode per configuration (50 per task); got episodes ${options.episodes} as well. Drop --episodes.`);
  }
  const evaluation = await buildTrainingEnvs(config, "eval");
  // env.split: the held-out groups too, under eval/<group>/... (the default protocol only).
  const heldOut = metaworldProtocol ? [] : await buildHeldOutEnvs(config);
  try {
    const scaler = actionScalerFor(evaluation.vector.singleActionSpace, "MT-SAC", config.env.id);
    const observationSpace = evaluation.vector.singleObservationSpace.spaces.envObs;
    const observationShape = imageShapeOf(observationSpace);
    const dimensions = { observationSize: observationSpace.flatSize, actionSize: scaler.actionSize, numTasks: evaluation.vector.numEnvs, ...(observationShape === undefined ? {} : { observationShape }) };
    const tasks = { names: evaluation.taskNames, descriptions: evaluation.taskDescriptions, observations: evaluation.taskObservations };
    const agent = new MTSACAgent(config.agent, dimensions, options.kernels ?? (await loadKernels()), config.experiment.seed, tasks);
    agent.setState(saved.agent);
    const step = saved.trainer.step;
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    const result = metaworldProtocol
      ? evaluateMetaWorldProtocol(agent, evaluation.vector, evaluation.taskNames, scaler, { seed: config.experiment.seed, ...signal })
      : evaluatePolicy(agent, evaluation.vector, evaluation.taskNames, scaler, { seed: config.experiment.seed, step, episodes, ...signal });
    const heldOutResults = heldOut.map(({ group, envs }) => {
      const groupResult = evaluatePolicy(agent, envs.vector, envs.taskNames, scaler, { seed: config.experiment.seed, step, episodes, ...signal });
      return heldOutMetrics(group, groupResult.metrics, groupResult.meanReturn, groupResult.meanSuccess);
    });
    return { step, ...result, metrics: Object.assign({ ...result.metrics }, ...heldOutResults) as Record<string, number> };
  } finally {
    await evaluation.vector.close();
    for (const { envs } of heldOut) await envs.vector.close();
  }
}
