import { MTError, type VectorEnv } from "@mtrl/mtenv";
import type { MultiTaskAgent } from "../agents/agent.js";
import type { ActionScaler } from "./build-task-envs.js";
import { TaskEnvs } from "./task-envs.js";

export interface PolicyEvaluation {
  /** `eval/return/<task>` (mean over episodes) and, when the env reports success, `eval/success/<task>`. */
  readonly metrics: Record<string, number>;
  readonly meanReturn: number;
  /** Mean success rate over tasks, or null when the env reports no success flag. */
  readonly meanSuccess: number | null;
}

/**
 * Runs the deterministic policy (tanh of the mean) for `episodes` episodes on every task. Episode
 * seeds derive from (run seed, evaluation step), so an evaluation gives the same numbers whether
 * the run was interrupted and resumed or not. A task counts as solved in an episode when the env
 * reported success at any step of it.
 */
export function evaluatePolicy(
  agent: MultiTaskAgent,
  vector: VectorEnv,
  taskNames: readonly string[],
  scaler: ActionScaler,
  options: { readonly seed: number; readonly step: number; readonly episodes: number; readonly signal?: AbortSignal },
): PolicyEvaluation {
  const taskEnvs = new TaskEnvs(vector, options.seed, `eval/step${options.step}`);
  const count = taskEnvs.numEnvs;
  const taskIndices = Int32Array.from({ length: count }, (_, i) => i);
  const agentActions = new Float32Array(count * scaler.actionSize);
  const envActions = new Float32Array(count * scaler.actionSize);
  const finished = new Int32Array(count);
  const returnSums = new Float64Array(count);
  const successCounts = new Int32Array(count);
  const episodeReturn = new Float64Array(count);
  const episodeSuccess = new Uint8Array(count);
  taskEnvs.resetAll();
  while (finished.some((done) => done < options.episodes)) {
    if (options.signal?.aborted === true) throw new MTError("Evaluation interrupted before every task finished its episodes; no results were recorded.");
    agent.act(taskEnvs.observations, taskIndices, true, agentActions);
    scaler.toEnv(agentActions, envActions);
    taskEnvs.step(envActions);
    for (let i = 0; i < count; i++) {
      if (finished[i]! >= options.episodes) continue;
      episodeReturn[i] = episodeReturn[i]! + taskEnvs.rewards[i]!;
      if (taskEnvs.successes[i] === 1) episodeSuccess[i] = 1;
      if (taskEnvs.terminated[i] === 1 || taskEnvs.truncated[i] === 1) {
        returnSums[i] = returnSums[i]! + episodeReturn[i]!;
        successCounts[i] = successCounts[i]! + episodeSuccess[i]!;
        finished[i] = finished[i]! + 1;
        episodeReturn[i] = 0;
        episodeSuccess[i] = 0;
      }
    }
  }
  return summarizeTasks(taskNames, returnSums, taskEnvs.reportsSuccess ? successCounts : undefined, options.episodes);
}

/**
 * `eval/return/<task>` (return sums / episodes) and, when `successCounts` is given,
 * `eval/success/<task>` (successes / episodes), with their means over tasks.
 */
export function summarizeTasks(taskNames: readonly string[], returnSums: Float64Array, successCounts: Int32Array | undefined, episodes: number): PolicyEvaluation {
  const metrics: Record<string, number> = {};
  let returnTotal = 0;
  let successTotal = 0;
  taskNames.forEach((name, i) => {
    const meanReturn = returnSums[i]! / episodes;
    metrics[`eval/return/${name}`] = meanReturn;
    returnTotal += meanReturn;
    if (successCounts !== undefined) {
      const rate = successCounts[i]! / episodes;
      metrics[`eval/success/${name}`] = rate;
      successTotal += rate;
    }
  });
  return {
    metrics,
    meanReturn: returnTotal / taskNames.length,
    meanSuccess: successCounts === undefined ? null : successTotal / taskNames.length,
  };
}
