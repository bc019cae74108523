import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { ConfigError } from "@mtrl/core";
import { displayPath } from "../config/config-dir.js";
import { readTrainConfig, writeTrainConfig, type ConfigOrigin } from "../config/config-file.js";
import type { TrainConfig } from "../config/schema.js";
import { runPaths, type RunPaths } from "../run-folder/run-dir.js";
import { leaseSecondsFromEnvironment, RunLease, type LeaseRecord } from "./lease.js";

/**
 * `npx mtrl train --lease`: how a sweep runs one run. The run folder is exactly
 * `<experiment.runsDir>/<experiment.runName>`; the train process takes the folder's lease, then
 * resumes the run when it has a checkpoint and starts it otherwise, renews the lease while it
 * trains, and stops (checkpoint saved) when the worker that started it is gone.
 */

/** Exit code of `train --lease` when another process holds the run's lease: try again later. */
export const LEASE_HELD_EXIT = 75;

export interface LeasedRun {
  readonly paths: RunPaths;
  /** Whether the folder had a checkpoint to continue from. */
  readonly resume: boolean;
  readonly lease: RunLease;
  /** The config to train with (the saved one when resuming; it equals the composed one). */
  readonly config: TrainConfig;
}

/** Whether the run folder holds a checkpoint (intact or not: loading picks the newest intact one). */
export function hasCheckpoint(paths: RunPaths): boolean {
  return existsSync(paths.checkpoints) && readdirSync(paths.checkpoints).some((name) => /^step-\d+$/.test(name));
}

/** Takes the run folder's lease and decides between resuming and starting; `heldBy` when someone else holds it. */
export function claimLeasedRun(config: TrainConfig, origin: ConfigOrigin): LeasedRun | { readonly heldBy: LeaseRecord; readonly message: string } {
  const { runsDir, runName } = config.experiment;
  if (runName === null) throw new ConfigError("train --lease trains into <experiment.runsDir>/<experiment.runName>: set experiment.runName.");
  const paths = runPaths(join(runsDir, runName));
  mkdirSync(paths.dir, { recursive: true });
  const lease = RunLease.acquire(paths.dir, { seconds: leaseSecondsFromEnvironment() });
  if (!(lease instanceof RunLease)) {
    const seconds = Math.max(0, Math.ceil((lease.heldBy.expiresAt - Date.now()) / 1000));
    return {
      heldBy: lease.heldBy,
      message: `${displayPath(paths.dir)} is being trained by ${lease.heldBy.owner} (lease ${seconds} s from expiry); not starting it twice. Try again later.`,
    };
  }
  try {
    if (hasCheckpoint(paths)) {
      const saved = readTrainConfig(paths.config);
      if (!isDeepStrictEqual(saved, config)) {
        throw new ConfigError(
          `${displayPath(paths.config)} differs from the config these overrides compose (${origin.overrides.join(" ")}): the sweep changed since this run started. ` +
            `Give the changed sweep a new name, or remove ${displayPath(paths.dir)} to start the run again.`,
        );
      }
      return { paths, resume: true, lease, config: saved };
    }
    // No checkpoint yet: anything a killed earlier attempt wrote is discarded, as a fresh start would.
    for (const file of [paths.metrics, paths.csv, paths.tensorBoard, paths.report, paths.checkpoints]) rmSync(file, { recursive: true, force: true });
    mkdirSync(paths.checkpoints);
    writeTrainConfig(paths.config, config, origin);
    return { paths, resume: false, lease, config };
  } catch (error) {
    lease.release();
    throw error;
  }
}

/**
 * While the run trains: renews the lease (every third of its length), exits at once with
 * LEASE_HELD_EXIT if it was lost, and aborts `controller` (checkpoint, clean stop — the Ctrl-C
 * path) on SIGTERM or when the parent process exits. The lease is released when the process exits.
 */
export function guardLeasedRun(lease: RunLease, controller: AbortController, say: (line: string) => void): void {
  const parent = process.ppid;
  const stop = (why: string): void => {
    if (controller.signal.aborted) return;
    say(`\n${why}: saving a checkpoint at the end of this step and stopping.`);
    controller.abort();
  };
  const renewal = setInterval(() => {
    if (!lease.renew()) {
      say(`\nThe lease of ${displayPath(lease.runDir)} was taken over (this process stalled past its expiry); stopping without writing.`);
      process.exit(LEASE_HELD_EXIT);
    }
  }, (lease.seconds * 1000) / 3);
  const orphanWatch = setInterval(() => {
    if (process.ppid !== parent) stop("The worker that started this run exited");
  }, 1000);
  renewal.unref();
  orphanWatch.unref();
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.once("exit", () => {
    clearInterval(renewal);
    clearInterval(orphanWatch);
    lease.release();
  });
}
