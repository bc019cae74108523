import { mkdirSync } from "node:fs";
import { ConfigError, Rng, type RngState } from "@mtrl/core";
import { loadKernels, type Kernels } from "@mtrl/nn";
import { MTSACAgent } from "../agents/mtsac-agent.js";
import type { TrainConfig } from "../config/schema.js";
import { ReplayBuffer, type ReplayBatch } from "../replay/replay-buffer.js";
import { MetricsWriter } from "../run-folder/metrics.js";
import { runPaths } from "../run-folder/run-dir.js";
import { actionScalerFor } from "./build-task-envs.js";
import { CheckpointStore, type TrainerState } from "./checkpoint.js";
import { evaluatePolicy, type PolicyEvaluation } from "./evaluate-policy.js";
import { MetricAccumulator } from "./metric-accumulator.js";
import { imageShapeOf, replayLayoutFor } from "./replay-layout.js";
import type { ProgressEvent } from "./progress-event.js";
import { TaskEnvs } from "./task-envs.js";
import { buildHeldOutEnvs, buildTrainingEnvs, heldOutMetrics } from "./task-splits.js";

export interface TrainOptions {
  /** The run folder (created if missing; the CLI writes config.yaml there first). */
  readonly runDir: string;
  /** Continue from the folder's latest checkpoint instead of starting fresh. */
  readonly resume: boolean;
  /** Progress events for the terminal display. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Aborting saves a checkpoint at the end of the current step and returns. */
  readonly signal?: AbortSignal;
  /** Kernels to train with; default: `loadKernels()` (MTRL_BACKEND or the fastest available). */
  readonly kernels?: Kernels;
}

export interface TrainResult {
  readonly runDir: string;
  /** Steps completed (equals totalSteps unless stopped). */
  readonly steps: number;
  /** The step this invocation started from: 0, or the checkpoint's step when resuming. */
  readonly startStep: number;
  readonly stopped: boolean;
  /** The last evaluation, or null if none ran. */
  readonly finalEval: PolicyEvaluation | null;
  /** Wall-clock seconds of this invocation, and env steps (all tasks) per second including updates. */
  readonly seconds: number;
  readonly envStepsPerSecond: number;
  readonly backend: string;
}

/**
 * The training loop of a multi-task run: one env per task stepped together, random warm-up,
 * `updatesPerStep` updates per step, evaluation, metrics rows and checkpoints on fixed cadences.
 *
 * Everything random comes from streams derived from the run seed (env episodes, warm-up actions,
 * replay sampling, policy noise, initialisation), and a checkpoint holds all of their states, so a
 * run that is killed and resumed ends with the same weights and the same metrics.jsonl bytes as
 * one that never stopped.
 */
export async function train(config: TrainConfig, options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const { env: envConfig, agent: agentConfig, experiment } = config;
  if (agentConfig.type !== "mtsac") throw new ConfigError(`Unknown agent type ${JSON.stringify(agentConfig.type)}; available: mtsac.`);
  const kernels = options.kernels ?? (await loadKernels());
  const paths = runPaths(options.runDir);
  mkdirSync(paths.dir, { recursive: true });
  const seed = experiment.seed;

  // With env.split: the split's training variants, and its held-out groups evaluated beside them.
  const training = await buildTrainingEnvs(config, "train");
  const evaluation = await buildTrainingEnvs(config, "eval");
  const heldOut = await buildHeldOutEnvs(config);
  const scaler = actionScalerFor(training.vector.singleActionSpace, "MT-SAC", envConfig.id);
  const taskEnvs = new TaskEnvs(training.vector, seed, "train");
  const numTasks = taskEnvs.numEnvs;
  const dimensions = { observationSize: taskEnvs.observationSize, actionSize: scaler.actionSize, numTasks };
  const observationSpace = training.vector.singleObservationSpace.spaces.envObs;
  const observationShape = imageShapeOf(observationSpace);
  const agent = new MTSACAgent(agentConfig, { ...dimensions, ...(observationShape === undefined ? {} : { observationShape }) }, kernels, seed, { names: training.taskNames, descriptions: training.taskDescriptions, observations: training.taskObservations });
  const observationLayout = replayLayoutFor(observationSpace, agentConfig.replay.observations, envConfig.id);
  let replay = new ReplayBuffer({ capacity: agentConfig.replay.capacity, ...dimensions, observationLayout });
  let warmupRng = Rng.fromSeed(seed, "warmup");
  let replayRng = Rng.fromSeed(seed, "replay");
  let step = 0;
  let updateIndex = 0;
  const checkpoints = new CheckpointStore(paths.checkpoints);

  const accumulated = new MetricAccumulator();
  let metricsTruncateTo: number | undefined;
  if (options.resume) {
    const saved = checkpoints.loadLatest();
    if (saved === undefined) throw new ConfigError(`Cannot resume ${paths.dir}: it has no checkpoint yet. Start it again without --resume.`);
    agent.setState(saved.agent);
    replay = saved.replay;
    const state = saved.trainer;
    warmupRng = Rng.fromState(state.rngs["warmup"] as RngState);
    replayRng = Rng.fromState(state.rngs["replay"] as RngState);
    step = state.step;
    updateIndex = state.updateIndex;
    metricsTruncateTo = state.metricsBytes;
    accumulated.setState(state.accumulator);
    taskEnvs.restore(state.taskEnvs);
  } else {
    taskEnvs.resetAll();
  }
  const metrics = MetricsWriter.open(paths.metrics, metricsTruncateTo === undefined ? {} : { truncateTo: metricsTruncateTo });

  const save = (): void => {
    const trainer: Omit<TrainerState, "metricsBytes"> = {
      step,
      updateIndex,
      rngs: { warmup: warmupRng.getState(), replay: replayRng.getState() },
      taskEnvs: taskEnvs.getState(),
      taskStates: training.taskStates,
      accumulator: accumulated.getState(),
    };
    checkpoints.save(step, { ...trainer, metricsBytes: metrics.sync() }, agent.getState(), replay);
    options.onProgress?.({ kind: "checkpoint", step });
  };

  const taskIndices = Int32Array.from({ length: numTasks }, (_, i) => i);
  const agentActions = new Float32Array(numTasks * scaler.actionSize);
  const envActions = new Float32Array(numTasks * scaler.actionSize);
  const observations = new Float32Array(taskEnvs.observations.length);
  const batch: ReplayBatch = replay.createBatch(agentConfig.batchSize);
  let finalEval: PolicyEvaluation | null = null;
  const startStep = step;
  options.onProgress?.({ kind: "start", step, totalSteps: experiment.totalSteps });

  let stopped = false;
  let burstInterrupted = false;
  while (step < experiment.totalSteps) {
    if (step < experiment.warmupSteps) {
      for (let i = 0; i < agentActions.length; i++) agentActions[i] = warmupRng.uniform(-1, 1);
    } else {
      agent.act(taskEnvs.observations, taskIndices, false, agentActions);
    }
    observations.set(taskEnvs.observations);
    scaler.toEnv(agentActions, envActions);
    taskEnvs.step(envActions);
    for (let task = 0; task < numTasks; task++) {
      const o = task * taskEnvs.observationSize;
      // The true final observation and `terminated` only: truncated episodes still bootstrap.
      replay.add(task, observations, o, agentActions, task * scaler.actionSize, taskEnvs.rewards[task]!, taskEnvs.nextObservations, o, taskEnvs.terminated[task] === 1);
    }
    accumulated.addStepRewards(taskEnvs.rewards);
    if (experiment.warmupBurst && step === experiment.warmupSteps && step > 0) {
      // The references' burst: warmupSteps updates in this one step, all with this update index.
      const total = experiment.warmupSteps;
      for (let done = 1; done <= total; done++) {
        accumulated.add(agent.update(replay.sample(batch, replayRng, agentConfig.replay.sampling), updateIndex));
        options.onProgress?.({ kind: "burst", step, done, total });
        // A stop here cannot save (the step is half done): the run resumes from its last checkpoint.
        await new Promise<void>((resume) => setImmediate(resume));
        if (options.signal?.aborted === true) break;
      }
      updateIndex++;
      if (options.signal?.aborted === true) {
        burstInterrupted = true;
        break;
      }
    } else if (step >= experiment.warmupSteps) {
      for (let u = 0; u < experiment.updatesPerStep; u++) {
        accumulated.add(agent.update(replay.sample(batch, replayRng, agentConfig.replay.sampling), updateIndex));
        updateIndex++;
      }
    }
    step++;

    if (step % experiment.logEvery === 0) metrics.writeTrain(step, accumulated.flush());
    if (step % experiment.evalEvery === 0 || step === experiment.totalSteps) {
      finalEval = evaluatePolicy(agent, evaluation.vector, evaluation.taskNames, scaler, { seed, step, episodes: experiment.evalEpisodes });
      const heldOutResults = heldOut.map(({ group, envs }) => {
        const result = evaluatePolicy(agent, envs.vector, envs.taskNames, scaler, { seed, step, episodes: experiment.evalEpisodes });
        return heldOutMetrics(group, result.metrics, result.meanReturn, result.meanSuccess);
      });
      metrics.writeEval(step, { ...finalEval.metrics, "eval/mean_return": finalEval.meanReturn, ...(finalEval.meanSuccess === null ? {} : { "eval/mean_success": finalEval.meanSuccess }), ...Object.assign({}, ...heldOutResults) });
      options.onProgress?.({ kind: "eval", step, meanReturn: finalEval.meanReturn, meanSuccess: finalEval.meanSuccess });
    }
    options.onProgress?.({ kind: "step", step });
    // Let the event loop deliver signals (Ctrl-C) and timers; a tight loop would swallow them.
    await new Promise<void>((resume) => setImmediate(resume));
    if (options.signal?.aborted === true) {
      stopped = true;
      break;
    }
    if (step % experiment.checkpointEvery === 0 || step === experiment.totalSteps) save();
  }
  if (stopped) save();
  if (burstInterrupted) stopped = true;
  metrics.close();
  await taskEnvs.close();
  await evaluation.vector.close();
  for (const { envs } of heldOut) await envs.vector.close();
  options.onProgress?.({ kind: "end", step, stopped });
  const seconds = (performance.now() - started) / 1000;
  return {
    runDir: paths.dir,
    steps: step,
    startStep,
    stopped,
    finalEval,
    seconds,
    envStepsPerSecond: ((step - startStep) * numTasks) / seconds,
    backend: kernels.name,
  };
}
