import { composeConfig } from "../config/compose.js";
import { displayPath, resolveConfigDirs } from "../config/config-dir.js";
import { readTrainConfig, stringifyTrainConfig, writeTrainConfig } from "../config/config-file.js";
import type { TrainConfig } from "../config/schema.js";
import { writeReport } from "../report/write-report.js";
import { formatEvalTable, summarizeEval } from "../run-folder/eval-summary.js";
import type { EvalRow } from "../run-folder/metrics.js";
import { createRunDir, defaultRunName, type RunPaths } from "../run-folder/run-dir.js";
import { claimLeasedRun, guardLeasedRun, LEASE_HELD_EXIT, type LeasedRun } from "../sweep/leased-run.js";
import { parseArgs } from "./args.js";
import { TRAIN_HELP } from "./help.js";
import { handleInterrupts } from "./interrupt.js";
import { writeLine, type CliIo } from "./io.js";
import { loadKernelsAndSayWhich } from "./kernels-line.js";
import { locateRun } from "./locate-run.js";
import { formatTrainSummary, TrainingProgress } from "./training-progress.js";
import { CliUsageError } from "./usage-error.js";

/** `npx mtrl train [overrides...] [--config-dir <dir>] [--resume <run>] [--print-config] [--lease]`. Returns the exit code. */
export async function trainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs("train", argv, { resume: { takesValue: true }, "print-config": { takesValue: false }, "config-dir": { takesValue: true }, lease: { takesValue: false } });
  if (args.flags.has("help")) {
    io.stdout.write(TRAIN_HELP);
    return 0;
  }
  const resumeFrom = args.flags.get("resume");
  let config: TrainConfig;
  let paths: RunPaths;
  let resuming = resumeFrom !== undefined;
  let leased: LeasedRun | undefined;
  if (resumeFrom !== undefined) {
    if (args.flags.has("lease")) throw new CliUsageError("train --lease resumes by itself when the run folder has a checkpoint; drop --resume and give the run's overrides.");
    if (args.positionals.length > 0) {
      throw new CliUsageError(
        `train --resume continues a run with its saved config.yaml, so overrides are not allowed (got ${args.positionals.join(" ")}). ` +
          `Drop them, or start a new run: npx mtrl train ${args.positionals.join(" ")}`,
      );
    }
    if (args.flags.has("config-dir")) {
      throw new CliUsageError(
        `train --resume continues a run with its saved config.yaml, so --config-dir is not used (got --config-dir ${args.flags.get("config-dir")}). Drop it.`,
      );
    }
    paths = locateRun(resumeFrom);
    config = readTrainConfig(paths.config);
    if (args.flags.has("print-config")) {
      io.stdout.write(stringifyTrainConfig(config));
      return 0;
    }
    await checkEnvironmentOf(config);
  } else {
    const composed = composeConfig(args.positionals, { configDir: resolveConfigDirs({ configDir: args.flags.get("config-dir") }) });
    config = composed.config;
    if (args.flags.has("print-config")) {
      io.stdout.write(stringifyTrainConfig(config, composed));
      return 0;
    }
    // Before creating the folder, so that a bad env id leaves no empty run behind.
    await checkEnvironmentOf(config);
    if (args.flags.has("lease")) {
      const claim = claimLeasedRun(config, composed);
      if ("heldBy" in claim) {
        writeLine(io.stderr, claim.message);
        return LEASE_HELD_EXIT;
      }
      ({ paths, config } = claim);
      resuming = claim.resume;
      leased = claim;
    } else {
      const experiment = config.experiment;
      paths = createRunDir(experiment.runsDir, experiment.runName ?? defaultRunName(composed.choices, experiment.seed));
      writeTrainConfig(paths.config, config, composed);
    }
  }
  writeLine(io.stdout, `${resuming ? "resuming" : "run folder"}: ${displayPath(paths.dir)}`);

  const progress = new TrainingProgress({ stream: io.stdout });
  const controller = new AbortController();
  const removeInterruptHandlers = handleInterrupts({
    target: process,
    controller,
    onFirst: () => {
      progress.stop();
      writeLine(io.stderr, "\nStopping: saving a checkpoint at the end of this step (Ctrl-C again to quit at once)...");
    },
    onForceExit: () => {
      progress.stop();
      writeLine(io.stderr, "\nQuit without saving; the run resumes from its last checkpoint.");
      process.exit(130);
    },
  });
  if (leased !== undefined) guardLeasedRun(leased.lease, controller, (line) => writeLine(io.stderr, line));
  let result: Awaited<ReturnType<typeof import("../runner/train.js").train>>;
  try {
    // Loaded only now: config errors and --print-config never wait for (or depend on) the engine.
    const kernels = await loadKernelsAndSayWhich(io.stdout);
    const { train } = await import("../runner/train.js");
    result = await train(config, { runDir: paths.dir, resume: resuming, onProgress: (event) => progress.handle(event), signal: controller.signal, kernels });
  } finally {
    progress.stop();
    removeInterruptHandlers();
  }

  writeReport(paths.dir);
  if (result.finalEval !== null) {
    const row = { kind: "eval", step: result.steps, ...result.finalEval.metrics } as EvalRow;
    writeLine(io.stdout, `\nlast evaluation (step ${result.steps}):`);
    writeLine(io.stdout, formatEvalTable(summarizeEval(row)));
  }
  writeLine(io.stdout, `\n${formatTrainSummary({ ...result, totalSteps: config.experiment.totalSteps })}`);
  writeLine(io.stdout, `report: ${displayPath(paths.report)}`);
  if (result.stopped) {
    writeLine(io.stdout, `stopped at step ${result.steps} of ${config.experiment.totalSteps}; continue with: npx mtrl train --resume ${displayPath(paths.dir)}`);
    return 130;
  }
  return 0;
}

/**
 * Checks the env section against the registry, loading the env's engine first (MuJoCo ids need
 * their WebAssembly engine before the synchronous make() of the check). Imported here rather than
 * at the top of the file: loading every environment costs ~0.13 s, which a config error found
 * before this point (a misspelt group or key) need not pay.
 */
async function checkEnvironmentOf(config: TrainConfig): Promise<void> {
  const [{ loadBuiltinEnvs }, { checkEnvironment }] = await Promise.all([import("@mtrl/mtenv"), import("../config/check-environment.js")]);
  await loadBuiltinEnvs([config.env.id]);
  checkEnvironment(config);
}
