import type { ChildProcess } from "node:child_process";
import { runSweepJob, type JobOutcome } from "./run-job.js";
import type { Sweep, SweepRun } from "./sweep-file.js";

/**
 * `mtrl sweep <file> --local N`: the runs of a sweep as N train processes at a time on this
 * machine, under the same leases as the queue's workers (so a local sweep and workers elsewhere
 * can share a sweep without running a run twice). A run whose lease is held is tried again later.
 */

export interface LocalSweepOptions {
  readonly runsDir: string;
  readonly processes: number;
  readonly leaseSeconds: number;
  readonly say: (line: string) => void;
}

export interface LocalSweep {
  /** Outcome per run name once the sweep ends. */
  readonly finished: Promise<ReadonlyMap<string, JobOutcome>>;
  /** Stop starting runs; with `signalChildren`, ask running train processes to checkpoint and stop. */
  stop(signalChildren: boolean): void;
}

export function startLocalSweep(sweep: Sweep, options: LocalSweepOptions): LocalSweep {
  const outcomes = new Map<string, JobOutcome>();
  const children = new Set<ChildProcess>();
  let stopping = false;
  const retryDelay = Math.max(1000, (options.leaseSeconds * 1000) / 4);
  const waiting: Array<{ run: SweepRun; readyAt: number }> = sweep.runs.map((run) => ({ run, readyAt: 0 }));

  const slot = async (): Promise<void> => {
    while (!stopping && waiting.length > 0) {
      const index = waiting.findIndex((entry) => entry.readyAt <= Date.now());
      if (index < 0) {
        const soonest = Math.min(...waiting.map((entry) => entry.readyAt));
        await new Promise((resolve) => setTimeout(resolve, Math.max(50, soonest - Date.now())));
        continue;
      }
      const { run } = waiting.splice(index, 1)[0]!;
      options.say(`start ${sweep.name}/${run.name}`);
      const result = await runSweepJob(
        { sweep: sweep.name, run: run.name, overrides: run.overrides },
        {
          runsDir: options.runsDir,
          leaseSeconds: options.leaseSeconds,
          onSpawn: (child) => {
            children.add(child);
            child.once("exit", () => children.delete(child));
          },
        },
      );
      options.say(`${result.outcome} ${sweep.name}/${run.name} (${result.seconds.toFixed(1)} s)`);
      if (result.outcome === "busy" || (result.outcome === "stopped" && !stopping)) waiting.push({ run, readyAt: Date.now() + retryDelay });
      outcomes.set(run.name, result.outcome);
    }
  };

  const slots = Array.from({ length: Math.min(options.processes, sweep.runs.length) }, () => slot());
  return {
    finished: Promise.all(slots).then(() => outcomes),
    stop(signalChildren) {
      stopping = true;
      if (signalChildren) for (const child of children) child.kill("SIGTERM");
    },
  };
}
