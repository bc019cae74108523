import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readLease } from "./lease.js";
import { LEASE_HELD_EXIT } from "./leased-run.js";
import { ATTEMPTS_FILE, isRunComplete, type AttemptRecord } from "./run-status.js";
import { sweepRunDir } from "./sweep-manifest.js";

/**
 * One sweep run as a child process: `mtrl train <overrides> experiment.runsDir=<sweep folder>
 * experiment.runName=<run> --lease`, whose output goes to `<run>/train.log` — a file, not a pipe,
 * so the child outlives its worker long enough to notice and save a checkpoint.
 */

/** A queue job or a local slot's work: which run of which sweep, and its overrides. */
export interface SweepJob {
  readonly sweep: string;
  readonly run: string;
  readonly overrides: readonly string[];
}

/** done: trained to the end; busy: another process holds the lease; stopped: interrupted (retry); failed: train failed. */
export type JobOutcome = AttemptRecord["outcome"];

export interface JobResult {
  readonly outcome: JobOutcome;
  readonly runDir: string;
  readonly exitCode: number | null;
  readonly seconds: number;
}

export interface RunJobOptions {
  readonly runsDir: string;
  readonly leaseSeconds: number;
  /** Told about the child once it is spawned (to forward a shutdown signal to it). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

export const TRAIN_LOG = "train.log";
/** The mtrl bin: two levels up from src/sweep/ and dist/sweep/ alike. */
const MTRL_BIN = fileURLToPath(new URL("../../bin/mtrl.js", import.meta.url));

export function jobOwner(): string {
  return `${hostname()}:${process.pid}`;
}

export async function runSweepJob(job: SweepJob, options: RunJobOptions): Promise<JobResult> {
  const started = Date.now();
  const runDir = sweepRunDir(options.runsDir, job.sweep, job.run);
  mkdirSync(runDir, { recursive: true });
  const finish = (outcome: JobOutcome, exitCode: number | null, signal: string | null): JobResult => {
    const seconds = (Date.now() - started) / 1000;
    if (outcome !== "busy" || exitCode !== null) {
      const record: AttemptRecord = { owner: jobOwner(), startedAt: started, seconds, exitCode, signal, outcome };
      appendFileSync(join(runDir, ATTEMPTS_FILE), `${JSON.stringify(record)}\n`);
    }
    return { outcome, runDir, exitCode, seconds };
  };
  if (isRunComplete(runDir)) return { outcome: "done", runDir, exitCode: null, seconds: 0 };
  // Not worth starting a process to be told so: the train child checks the lease again itself.
  const lease = readLease(runDir);
  if (lease !== undefined && lease.expiresAt > Date.now()) return finish("busy", null, null);

  const args = [MTRL_BIN, "train", ...job.overrides, `experiment.runsDir=${JSON.stringify(join(options.runsDir, job.sweep))}`, `experiment.runName=${job.run}`, "--lease"];
  const log = openSync(join(runDir, TRAIN_LOG), "a");
  writeSync(log, `\n=== ${new Date(started).toISOString()} ${jobOwner()}: mtrl ${args.slice(1).join(" ")}\n`);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, args, {
      stdio: ["ignore", log, log],
      env: { ...process.env, MTRL_LEASE_SECONDS: String(options.leaseSeconds) },
    });
  } finally {
    closeSync(log);
  }
  options.onSpawn?.(child);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signalName) => resolve([code, signalName]));
  });
  let outcome: JobOutcome;
  if (exitCode === 0) outcome = "done";
  else if (exitCode === LEASE_HELD_EXIT) outcome = "busy";
  else if (exitCode === 130 || signal !== null) outcome = "stopped";
  else outcome = "failed";
  return finish(outcome, exitCode, signal);
}
