/**
 * The MT-Pendulum learning bar shared by learn:pendulum and learn:components: train on
 * MT-Pendulum-v0's default tasks from scratch and require a mean evaluation return ≥ −250 on
 * every task. Returns the JSON-able result (one line per run in the scripts' output).
 */
import { composeConfig } from "../src/config/compose.js";
import { writeTrainConfig } from "../src/config/config-file.js";
import { writeReport } from "../src/report/write-report.js";
import { createRunDir } from "../src/run-folder/run-dir.js";
import { TrainingProgress } from "../src/cli/training-progress.js";
import { train } from "../src/runner/train.js";

export const RETURN_BAR = -250;

export async function learnPendulum(label: string, agent: string, overrides: readonly string[]): Promise<Record<string, unknown> & { passed: boolean }> {
  const composed = composeConfig(["env=mt-pendulum", `agent=${agent}`, "experiment=learn-pendulum", ...overrides]);
  const { config } = composed;
  const paths = createRunDir(config.experiment.runsDir, `${label}-seed${config.experiment.seed}`);
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
  return {
    benchmark: label,
    env: config.env.id,
    agent,
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
  };
}
