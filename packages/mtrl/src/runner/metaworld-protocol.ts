import { CONFIGURATIONS_PER_TASK, ConfigError, METAWORLD_MT10_ID, METAWORLD_MT50_ID, MTError, type VectorEnv } from "@mtrl/mtenv";
import type { MultiTaskAgent } from "../agents/agent.js";
import type { ActionScaler } from "./build-task-envs.js";
import { summarizeTasks, type PolicyEvaluation } from "./evaluate-policy.js";

/** The environments whose tasks take a fixed configuration in `reset({ options: { configuration } })`. */
const CONFIGURABLE_ENV_IDS: readonly string[] = [METAWORLD_MT10_ID, METAWORLD_MT50_ID];

/** A ConfigError unless `envId` can run the Meta-World protocol. */
export function assertMetaWorldProtocolEnv(envId: string): void {
  if (!CONFIGURABLE_ENV_IDS.includes(envId)) {
    throw new ConfigError(
      `--protocol metaworld runs one episode per fixed configuration of each task, which needs ${CONFIGURABLE_ENV_IDS.join(" or ")}; this run uses ${envId}. Evaluate it with the default protocol (omit --protocol).`,
    );
  }
}

/**
 * Meta-World's evaluation protocol (its metaworld/evaluation.py): for every task, one episode in
 * each of its 50 fixed configurations with the deterministic policy; an episode ends at the first
 * step that reports success (terminate on success) and then counts as solved, or at the time
 * limit unsolved. Success rate per task = solved / 50; the mean is over tasks. Returns are the
 * episodes' (possibly shortened) returns, as the reference reports them.
 */
export function evaluateMetaWorldProtocol(
  agent: MultiTaskAgent,
  vector: VectorEnv,
  taskNames: readonly string[],
  scaler: ActionScaler,
  options: { readonly seed: number; readonly signal?: AbortSignal },
): PolicyEvaluation {
  const count = vector.numEnvs;
  const observationSize = vector.singleObservationSpace.spaces.envObs.flatSize;
  const observations = new Float32Array(count * observationSize);
  const taskIndices = Int32Array.from({ length: count }, (_, i) => i);
  const agentActions = new Float32Array(count * scaler.actionSize);
  const envActions = new Float32Array(count * scaler.actionSize);
  const configuration = new Int32Array(count);
  const solved = new Int32Array(count);
  const returnSums = new Float64Array(count);
  const episodeReturn = new Float64Array(count);
  const mask = new Uint8Array(count);
  // Starts env i's episode in its next configuration (or parks a finished env in configuration 0).
  const startEpisode = (i: number): void => {
    mask.fill(0);
    mask[i] = 1;
    const result = vector.reset({ seed: options.seed, mask, options: { configuration: Math.min(configuration[i]!, CONFIGURATIONS_PER_TASK - 1) } });
    observations.set(result.envObs.subarray(i * observationSize, (i + 1) * observationSize), i * observationSize);
    episodeReturn[i] = 0;
  };
  for (let i = 0; i < count; i++) startEpisode(i);
  while (configuration.some((k) => k < CONFIGURATIONS_PER_TASK)) {
    if (options.signal?.aborted === true) throw new MTError("Evaluation interrupted before every task finished its episodes; no results were recorded.");
    agent.act(observations, taskIndices, true, agentActions);
    scaler.toEnv(agentActions, envActions);
    const result = vector.step(envActions);
    observations.set(result.envObs);
    for (let i = 0; i < count; i++) {
      const ended = result.terminated[i] === 1 || result.truncated[i] === 1;
      if (configuration[i]! >= CONFIGURATIONS_PER_TASK) {
        // A finished task idles until the others are done; keep its env in an episode.
        if (ended) startEpisode(i);
        continue;
      }
      episodeReturn[i] = episodeReturn[i]! + result.rewards[i]!;
      const success = result.infos[i]?.success === true;
      if (!success && !ended) continue;
      solved[i] = solved[i]! + (success ? 1 : 0);
      returnSums[i] = returnSums[i]! + episodeReturn[i]!;
      configuration[i] = configuration[i]! + 1;
      startEpisode(i);
    }
  }
  return summarizeTasks(taskNames, returnSums, solved, CONFIGURATIONS_PER_TASK);
}
