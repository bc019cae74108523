/**
 * The pixel learning bar (issue 14): SAC-AE on MT-DMC-Cartpole-Swingup-v0 from 84×84 pixels, 3
 * stacked frames, action repeat 8 — the protocol of the SAC-AE and CURL papers, which report
 * "100k environment steps" counting every repeated control step, so 100,000 / 8 = 12,500 agent
 * steps (SAC-AE ≈ 300 there). Evaluates every 10k environment steps (10 episodes, deterministic
 * policy), prints one JSON line with the last evaluation's return and the wall time, and exits 1
 * when that return is below 250.
 *
 *   npm run learn:pixels [-- seed=3 ...any other override]
 *
 * At today's convolution speed the full run takes many hours; a smoke run of the script itself:
 *   npm run learn:pixels -- experiment.totalSteps=300 experiment.warmupSteps=100 experiment.evalEvery=300 experiment.evalEpisodes=1
 */
import { composeConfig } from "../src/config/compose.js";
import { readTrainConfig, writeTrainConfig } from "../src/config/config-file.js";
import type { TrainConfig } from "../src/config/schema.js";
import { readMetrics } from "../src/run-folder/metrics.js";
import { writeReport } from "../src/report/write-report.js";
import { createRunDir, runPaths, type RunPaths } from "../src/run-folder/run-dir.js";
import { handleInterrupts } from "../src/cli/interrupt.js";
import { TrainingProgress } from "../src/cli/training-progress.js";
import { train } from "../src/runner/train.js";

/** The bar: the SAC-AE paper's ≈ 300 at 100k environment steps, with room for one seed's spread. */
const RETURN_BAR = 250;
/** Environment (control) steps of the protocol, action repeats included. */
const ENVIRONMENT_STEPS = 100_000;
const ACTION_REPEAT = 8;

const agentSteps = ENVIRONMENT_STEPS / ACTION_REPEAT;
const argv = process.argv.slice(2);
const resumeAt = argv.indexOf("--resume");
const resumeFrom = resumeAt >= 0 ? argv[resumeAt + 1] : undefined;
if (resumeAt >= 0 && (resumeFrom === undefined || argv.length !== 2)) {
  console.error(`learn:pixels: --resume takes one run folder and no overrides (the run keeps its saved config.yaml), got: ${argv.join(" ")}. Use: npm run learn:pixels -- --resume <run folder>`);
  process.exit(2);
}
let config: TrainConfig;
let paths: RunPaths;
if (resumeFrom !== undefined) {
  paths = runPaths(resumeFrom);
  config = readTrainConfig(paths.config);
} else {
  const composed = composeConfig([
    "env=dmc-cartpole-swingup-pixels",
    `env.kwargs.frameSkip=${ACTION_REPEAT}`,
    "agent=sac-ae",
    "experiment=learn-pendulum",
    `experiment.totalSteps=${agentSteps}`,
    // The SAC-AE paper's 1000 random steps before learning; an evaluation every 10k environment steps.
    "experiment.warmupSteps=1000",
    `experiment.evalEvery=${agentSteps / 10}`,
    "experiment.evalEpisodes=10",
    `experiment.checkpointEvery=${agentSteps / 10}`,
    "experiment.logEvery=125",
    ...argv,
  ]);
  config = composed.config;
  paths = createRunDir(config.experiment.runsDir, `learn-pixels-seed${config.experiment.seed}`);
  writeTrainConfig(paths.config, config, composed);
}
const repeat = Number(config.env.kwargs["frameSkip"] ?? ACTION_REPEAT);
const progress = new TrainingProgress({ stream: process.stderr });
// Ctrl-C (or SIGTERM) saves a checkpoint at the end of the step and stops; --resume continues from it.
const controller = new AbortController();
const stopHandlers = handleInterrupts({
  target: process,
  controller,
  onFirst: () => console.error(`learn:pixels: stopping after this step with a checkpoint; continue with: npm run learn:pixels -- --resume ${paths.dir}`),
  onForceExit: () => process.exit(130),
});
process.once("SIGTERM", () => controller.abort());
const result = await train(config, { runDir: paths.dir, resume: resumeFrom !== undefined, signal: controller.signal, onProgress: (event) => progress.handle(event) });
stopHandlers();
progress.stop();
writeReport(paths.dir);
const environmentSteps = result.steps * repeat * config.env.numTasks;
// Every evaluation of the run (resumed parts included): environment steps and mean return.
const evalCurve = readMetrics(paths.metrics).filter((row) => row.kind === "eval").map((row) => ({
  environmentSteps: row.step * repeat * config.env.numTasks,
  evalReturn: Math.round(Number(row["eval/mean_return"]) * 10) / 10,
}));
// A run resumed after its last step evaluates nothing new: its result is the evaluation at that step.
const lastEval = evalCurve.at(-1);
const evalReturn = result.finalEval !== null ? Math.round(result.finalEval.meanReturn * 10) / 10
  : lastEval !== undefined && lastEval.environmentSteps === environmentSteps ? lastEval.evalReturn : null;
const passed = evalReturn !== null && evalReturn >= RETURN_BAR;
console.log(
  JSON.stringify({
    benchmark: "learn:pixels",
    env: config.env.id,
    agent: "sac-ae",
    seed: config.experiment.seed,
    actionRepeat: repeat,
    agentSteps: result.steps,
    environmentSteps,
    evalReturn,
    evalEpisodes: config.experiment.evalEpisodes,
    evalCurve,
    // This invocation's wall time (a resumed run's earlier parts are not in it).
    wallSeconds: Math.round(result.seconds * 10) / 10,
    resumed: resumeFrom !== undefined,
    backend: result.backend,
    bar: RETURN_BAR,
    passed,
    runDir: paths.dir,
  }),
);
process.exitCode = passed ? 0 : 1;
