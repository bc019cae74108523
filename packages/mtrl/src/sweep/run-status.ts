import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readYamlFile } from "../config/config-dir.js";
import { runPaths } from "../run-folder/run-dir.js";
import { readLease } from "./lease.js";

/**
 * The state of one sweep run, read from its folder alone, so that any machine sharing the runs
 * folder sees the same: the checkpoint and config say done, the lease says running or stalled,
 * attempts.jsonl (written by whoever ran the train process) says failed.
 */

export const ATTEMPTS_FILE = "attempts.jsonl";

export type RunState = "pending" | "running" | "stalled" | "done" | "failed";

/** One line of attempts.jsonl: a train process that ended. */
export interface AttemptRecord {
  readonly owner: string;
  readonly startedAt: number;
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly outcome: "done" | "busy" | "stopped" | "failed";
}

export interface RunStatus {
  readonly name: string;
  readonly dir: string;
  readonly state: RunState;
  /** The last step in metrics.jsonl (progress), or 0. */
  readonly step: number;
  /** The step of the latest checkpoint, or 0. */
  readonly checkpointStep: number;
  readonly totalSteps: number | null;
  readonly lastEval: { readonly step: number; readonly meanReturn: number | null; readonly meanSuccess: number | null } | null;
  /** The lease holder while running or stalled. */
  readonly holder: string | null;
  /** Seconds until the lease expires (negative: expired that long ago). */
  readonly leaseSeconds: number | null;
  /** Train processes that ended (done, stopped, failed; not "lease busy" checks). */
  readonly attempts: number;
}

function latestCheckpointStep(checkpoints: string): number {
  try {
    const latest = JSON.parse(readFileSync(join(checkpoints, "latest.json"), "utf8")) as { step?: unknown };
    return typeof latest.step === "number" ? latest.step : 0;
  } catch {
    return 0;
  }
}

function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const rows: T[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      // The line being written right now.
    }
  }
  return rows;
}

export function readAttempts(runDir: string): AttemptRecord[] {
  return readJsonLines<AttemptRecord>(join(runDir, ATTEMPTS_FILE));
}

/**
 * experiment.totalSteps of a run's config.yaml, read without validating the rest: a status check
 * must not depend on the reader's config schema matching the writer's.
 */
function totalStepsOf(configPath: string): number | null {
  try {
    const totalSteps = (readYamlFile(configPath) as { experiment?: { totalSteps?: unknown } } | null)?.experiment?.totalSteps;
    return typeof totalSteps === "number" ? totalSteps : null;
  } catch {
    return null;
  }
}

/** Whether the run has a checkpoint at its last step. */
export function isRunComplete(runDir: string): boolean {
  const paths = runPaths(runDir);
  const total = totalStepsOf(paths.config);
  return total !== null && latestCheckpointStep(paths.checkpoints) >= total;
}

export function readRunStatus(name: string, runDir: string, now = Date.now()): RunStatus {
  const paths = runPaths(runDir);
  const totalSteps = totalStepsOf(paths.config);
  const checkpointStep = latestCheckpointStep(paths.checkpoints);
  const rows = readJsonLines<Record<string, unknown>>(paths.metrics);
  const step = rows.reduce((last, row) => (typeof row["step"] === "number" ? Math.max(last, row["step"]) : last), 0);
  const evalRow = rows.filter((row) => row["kind"] === "eval").at(-1);
  const lastEval =
    evalRow === undefined
      ? null
      : {
          step: evalRow["step"] as number,
          meanReturn: typeof evalRow["eval/mean_return"] === "number" ? evalRow["eval/mean_return"] : null,
          meanSuccess: typeof evalRow["eval/mean_success"] === "number" ? evalRow["eval/mean_success"] : null,
        };
  const lease = readLease(runDir);
  const attempts = readAttempts(runDir).filter((attempt) => attempt.outcome !== "busy");
  let state: RunState;
  if (totalSteps !== null && checkpointStep >= totalSteps) state = "done";
  else if (lease !== undefined) state = lease.expiresAt > now ? "running" : "stalled";
  else if (attempts.at(-1)?.outcome === "failed") state = "failed";
  else state = "pending";
  return {
    name,
    dir: runDir,
    state,
    step,
    checkpointStep,
    totalSteps,
    lastEval,
    holder: lease?.owner ?? null,
    leaseSeconds: lease === undefined ? null : Math.round((lease.expiresAt - now) / 1000),
    attempts: attempts.length,
  };
}
