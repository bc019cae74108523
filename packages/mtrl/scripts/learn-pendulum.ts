/**
 * The learning bar of MT-SAC: train on MT-Pendulum-v0's default tasks from scratch with the
 * default backend and require a mean evaluation return ≥ −250 on every task. Prints one JSON
 * line and exits 1 when the bar is missed.
 *
 *   npm run learn:pendulum [-- seed=3 ...any other override]
 */
import { composeConfig } from "../src/config/compose.js";
import { writeTrainConfig } from "../src/config/config-file.js";
import { writeReport } from "../src/report/write-report.js";
import { createRunDir } from "../src/run-folder/run-dir.js";
import { TrainingProgress } from "../src/cli/training-progress.js";
import { train } from "../src/runner/train.js";

const RETURN_BAR = -250;
const composed = composeConfig(["env=mt-pendulum", "agent=mtsac-small", "experiment=learn-pendulum", ...process.argv.slice(2)]);
const { config } = composed;
const paths = createRunDir(config.experiment.runsDir, `learn-pendulum-seed${config.experiment.seed}`);
writeTrainConfig(paths.config, config, composed);
const progress = new TrainingProgress({ stream: process.stderr });
const result = await train(config, { runDir: paths.dir, resume: false, onProgress: (event) => progress.handle(event) });
progress.stop();
writeReport(paths.dir);

const finalReturns: Record<string, number> = {};
for (const [key, value] of Object.entries(result.finalEval?.metrics ?? {})) {
  if (key.startsWith("eval/return/")) finalReturns[key.slice("eval/return/".length)] = Math.round(value * 10) / 10;
}
const passed = Object.keys(finalReturns).length === config.env.numTasks && Object.values(finalReturns).every((value) => value >= RETURN_BAR);
console.log(
  JSON.stringify({
    benchmark: "learn:pendulum",
    env: config.env.id,
    agent: "mtsac-small",
    seed: config.experiment.seed,
    steps: result.steps,
    envSteps: result.steps * config.env.numTasks,
    wallSeconds: Math.round(result.seconds * 10) / 10,
    backend: result.backend,
    envStepsPerSecondIncludingUpdates: Math.round(result.envStepsPerSecond),
    finalReturns,
    bar: RETURN_BAR,
    passed,
    runDir: paths.dir,
  }),
);
process.exitCode = passed ? 0 : 1;
