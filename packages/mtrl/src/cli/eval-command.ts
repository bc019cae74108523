import { displayPath } from "../config/config-dir.js";
import { formatEvalTable, summarizeEval } from "../run-folder/eval-summary.js";
import type { EvalRow } from "../run-folder/metrics.js";
import { EVALUATION_PROTOCOLS } from "../runner/evaluation-protocol.js";
import { parseArgs } from "./args.js";
import { EVAL_HELP } from "./help.js";
import { writeLine, type CliIo } from "./io.js";
import { loadKernelsAndSayWhich } from "./kernels-line.js";
import { locateRun } from "./locate-run.js";
import { CliUsageError } from "./usage-error.js";

/** `npx mtrl eval <run> [--episodes N] [--protocol default|metaworld] [--json]`. Returns the exit code. */
export async function evalCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs("eval", argv, { episodes: { takesValue: true }, protocol: { takesValue: true }, json: { takesValue: false } });
  if (args.flags.has("help")) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new CliUsageError(`eval needs exactly one run (a name in runs/ or a folder), got ${args.positionals.length}. Usage: npx mtrl eval <run> [--episodes N]`);
  }
  const protocolText = args.flags.get("protocol") ?? "default";
  const protocol = EVALUATION_PROTOCOLS.find((name) => name === protocolText);
  if (protocol === undefined) throw new CliUsageError(`eval --protocol expects one of ${EVALUATION_PROTOCOLS.join(", ")}, got ${JSON.stringify(protocolText)}.`);
  const paths = locateRun(args.positionals[0]!);
  const episodesText = args.flags.get("episodes");
  let episodes: number | undefined;
  if (episodesText !== undefined) {
    episodes = Number(episodesText);
    if (!Number.isInteger(episodes) || episodes <= 0) throw new CliUsageError(`eval --episodes expects a positive integer, got ${JSON.stringify(episodesText)}.`);
  }
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once("SIGINT", onInterrupt);
  try {
    // With --json, stdout is one JSON line: the backend line goes to stderr.
    const kernels = await loadKernelsAndSayWhich(args.flags.has("json") ? io.stderr : io.stdout);
    const { evaluateRun } = await import("../runner/evaluate.js");
    const result = await evaluateRun(paths.dir, { kernels, signal: controller.signal, protocol, ...(episodes === undefined ? {} : { episodes }) });
    if (args.flags.has("json")) {
      writeLine(io.stdout, JSON.stringify({ run: paths.name, protocol, ...result }));
    } else {
      writeLine(io.stdout, `${displayPath(paths.dir)}: checkpoint at step ${result.step}`);
      if (protocol === "metaworld") writeLine(io.stdout, "protocol: metaworld (one episode per fixed configuration, 50 per task, ended at the first success)");
      writeLine(io.stdout, formatEvalTable(summarizeEval({ kind: "eval", step: result.step, ...result.metrics } as EvalRow)));
      // env.split: each held-out group's mean return (its per-variant values are in --json).
      for (const [key, value] of Object.entries(result.metrics)) {
        const group = /^eval\/([^/]+)\/mean_return$/.exec(key)?.[1];
        if (group !== undefined) writeLine(io.stdout, `${group} (held out) mean return: ${value.toFixed(2)}`);
      }
    }
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
  return 0;
}
