import { relative, resolve } from "node:path";
import { leaseSecondsFromEnvironment } from "../sweep/lease.js";
import { readRunStatus, type RunStatus } from "../sweep/run-status.js";
import { loadSweep } from "../sweep/sweep-file.js";
import { readSweepManifest, sweepRunDir, writeSweepManifest } from "../sweep/sweep-manifest.js";
import { parseArgs } from "./args.js";
import { SWEEP_HELP } from "./help.js";
import { writeLine, type CliIo } from "./io.js";
import { defaultRunsDir } from "./locate-run.js";
import { CliUsageError } from "./usage-error.js";

/** A positive integer flag, or a usage error naming it. */
export function positiveIntegerFlag(command: string, name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new CliUsageError(`${command}: --${name} expects a whole number >= 1, got ${JSON.stringify(text)}.`);
  return value;
}

/** The lease length from --lease-seconds, else MTRL_LEASE_SECONDS, else 60. */
export function leaseSecondsFlag(command: string, text: string | undefined): number {
  return positiveIntegerFlag(command, "lease-seconds", text, leaseSecondsFromEnvironment());
}

function formatStatusTable(statuses: readonly RunStatus[]): string {
  const rows = statuses.map((status) => [
    status.name,
    status.state,
    `${status.step}/${status.totalSteps ?? "?"}`,
    status.lastEval === null ? "-" : `${status.lastEval.meanReturn?.toFixed(2) ?? "-"} @${status.lastEval.step}${status.lastEval.meanSuccess === null ? "" : ` (success ${status.lastEval.meanSuccess.toFixed(2)})`}`,
    status.holder === null ? "" : `${status.holder} (lease ${status.leaseSeconds! >= 0 ? `${status.leaseSeconds} s left` : `expired ${-status.leaseSeconds!} s ago`})`,
  ]);
  const header = ["run", "state", "step", "last eval (mean return)", "holder"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}

async function statusCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs("sweep status", argv, { "runs-dir": { takesValue: true }, json: { takesValue: false } });
  if (args.flags.has("help")) {
    io.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) throw new CliUsageError(`sweep status needs one sweep name, got ${args.positionals.length === 0 ? "none" : args.positionals.join(" ")}. Usage: npx mtrl sweep status <name> [--runs-dir <dir>]`);
  const runsDir = args.flags.get("runs-dir") ?? defaultRunsDir();
  const sweep = readSweepManifest(runsDir, args.positionals[0]!);
  const statuses = sweep.runs.map((run) => readRunStatus(run.name, sweepRunDir(runsDir, sweep.name, run.name)));
  if (args.flags.has("json")) {
    writeLine(io.stdout, JSON.stringify({ sweep: sweep.name, runs: statuses }, null, 2));
  } else {
    writeLine(io.stdout, `sweep ${sweep.name} (${resolve(runsDir, sweep.name)})`);
    writeLine(io.stdout, formatStatusTable(statuses));
    const counts = new Map<string, number>();
    for (const status of statuses) counts.set(status.state, (counts.get(status.state) ?? 0) + 1);
    writeLine(io.stdout, `\n${[...counts].map(([state, count]) => `${count} ${state}`).join(", ")} of ${statuses.length} runs`);
    const finished = statuses.filter((status) => status.lastEval !== null).map((status) => relative(process.cwd(), status.dir) || ".");
    if (finished.length > 0) writeLine(io.stdout, `compare: npx mtrl compare ${finished.join(" ")} --out ${relative(process.cwd(), resolve(runsDir, sweep.name, "compare.html"))}`);
  }
  return statuses.some((status) => status.state === "failed") ? 1 : 0;
}

/** `npx mtrl sweep <file> --local N | --queue <url> | --print`, and `npx mtrl sweep status <name>`. */
export async function sweepCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === "status") return statusCommand(argv.slice(1), io);
  const args = parseArgs("sweep", argv, {
    local: { takesValue: true },
    queue: { takesValue: true },
    print: { takesValue: false },
    "runs-dir": { takesValue: true },
    "lease-seconds": { takesValue: true },
  });
  if (args.flags.has("help")) {
    io.stdout.write(SWEEP_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new CliUsageError(`sweep needs one sweep file, got ${args.positionals.length === 0 ? "none" : args.positionals.join(" ")}. Usage: npx mtrl sweep <sweep.yaml> --local N | --queue <url> (see npx mtrl sweep --help)`);
  }
  const modes = ["local", "queue", "print"].filter((mode) => args.flags.has(mode));
  if (modes.length !== 1) {
    throw new CliUsageError(`sweep: choose one of --local N (train here), --queue <url> (enqueue for workers) or --print (list the runs)${modes.length > 1 ? `, got --${modes.join(" and --")}` : ""}.`);
  }
  const sweep = loadSweep(args.positionals[0]!);
  if (args.flags.has("print")) {
    for (const run of sweep.runs) writeLine(io.stdout, `${run.name}: ${run.overrides.join(" ")}`);
    return 0;
  }
  const runsDir = resolve(args.flags.get("runs-dir") ?? defaultRunsDir());
  const leaseSeconds = leaseSecondsFlag("sweep", args.flags.get("lease-seconds"));
  const processes = positiveIntegerFlag("sweep", "local", args.flags.get("local"), 1);
  const queueUrl = args.flags.get("queue");
  if (queueUrl !== undefined) {
    // Reach the queue first: an unreachable one should leave no half-made sweep folder behind.
    const { connectRedis, enqueueSweep } = await import("../sweep/queue.js");
    (await connectRedis(queueUrl)).disconnect();
    const manifest = writeSweepManifest(runsDir, sweep);
    const result = await enqueueSweep(queueUrl, sweep, runsDir);
    writeLine(io.stdout, `sweep ${sweep.name}: ${result.added.length} runs added to ${queueUrl}${result.existing.length > 0 ? `, ${result.existing.length} already there (${result.existing.map((entry) => `${entry.run}: ${entry.state}`).join(", ")})` : ""}`);
    writeLine(io.stdout, `manifest: ${manifest}`);
    writeLine(io.stdout, `train them on each machine with: npx mtrl worker --queue ${queueUrl} --runs-dir ${runsDir}`);
    writeLine(io.stdout, `progress: npx mtrl sweep status ${sweep.name} --runs-dir ${runsDir}`);
    return 0;
  }
  writeSweepManifest(runsDir, sweep);
  const { startLocalSweep } = await import("../sweep/local-sweep.js");
  writeLine(io.stdout, `sweep ${sweep.name}: ${sweep.runs.length} runs in ${resolve(runsDir, sweep.name)}, ${processes} at a time (output of each in <run>/train.log)`);
  const local = startLocalSweep(sweep, { runsDir, processes, leaseSeconds, say: (line) => writeLine(io.stdout, line) });
  let interrupted = false;
  // Ctrl-C reaches the train processes too (same process group): they save and stop by themselves.
  const onInterrupt = (): void => {
    interrupted = true;
    local.stop(false);
  };
  const onTerminate = (): void => {
    interrupted = true;
    local.stop(true);
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onTerminate);
  let outcomes: ReadonlyMap<string, string>;
  try {
    outcomes = await local.finished;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    process.removeListener("SIGTERM", onTerminate);
  }
  await statusCommand([sweep.name, "--runs-dir", runsDir], io);
  if (interrupted) {
    writeLine(io.stdout, `stopped; continue with the same command: runs resume from their checkpoints.`);
    return 130;
  }
  return [...outcomes.values()].every((outcome) => outcome === "done") ? 0 : 1;
}
