import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointWeights, cli } from "../testing/cli-runs.js";
import { freePort, startRedis } from "../testing/redis-server.js";
import { waitFor } from "../testing/wait-for.js";
import { readLeaseHistory, type LeaseEvent } from "./lease.js";
import { readRunStatus } from "./run-status.js";

/**
 * The acceptance test: a sweep of 6 short MT-Pendulum runs (two agents × three seeds) on a
 * Redis queue, three workers, one of them SIGKILLed with its train process mid-run (a machine
 * dying). Every run finishes, byte-identical to the same run done without interruption, and the
 * lease history shows no run trained by two processes at once.
 */

// Short, so that the test waits little for the takeover; long enough for a loaded machine to renew in time.
const LEASE_SECONDS = 6;
const TOTAL_STEPS = 200;
const SWEEP = `name: six
base: [env=mt-pendulum, experiment=smoke, experiment.totalSteps=${TOTAL_STEPS}, experiment.warmupSteps=50, experiment.checkpointEvery=25, experiment.evalEvery=100, agent.batchSize=32, "agent.actor.trunk.hiddenSizes=[32,32]", "agent.critic.trunk.hiddenSizes=[32,32]"]
grid:
  agent: [mtsac-small, mtmhsac]
seeds: [1, 2, 3]
`;
const RUNS = ["mtsac-small-seed1", "mtsac-small-seed2", "mtsac-small-seed3", "mtmhsac-seed1", "mtmhsac-seed2", "mtmhsac-seed3"];
// One backend for every process: the sweep's runs and the reference runs must compute the same bits.
const ENV = { ...process.env, MTRL_BACKEND: "js" };

function mtrl(args: readonly string[], timeout = 60_000): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: ENV, timeout });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (performance.now() - started) / 1000 };
}

/** A worker in its own process group, so that killing the group takes its train processes too. */
function startWorker(url: string, logPath: string): ChildProcess {
  const log = openSync(logPath, "a");
  try {
    return spawn(process.execPath, [cli, "worker", "--queue", url, "--lease-seconds", String(LEASE_SECONDS)], { detached: true, stdio: ["ignore", log, log], env: ENV });
  } finally {
    closeSync(log);
  }
}

function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * Holders of a run's lease one after another: each acquisition follows a release by the previous
 * holder, or takes over the previous holder's lease after its expiry. Returns the takeovers.
 */
function checkNoOverlap(run: string, history: readonly LeaseEvent[]): Array<Extract<LeaseEvent, { event: "acquired" }>> {
  let holder: string | null = null;
  const takeovers: Array<Extract<LeaseEvent, { event: "acquired" }>> = [];
  for (const event of history) {
    if (event.event === "acquired") {
      if (holder !== null) {
        assert.equal(event.tookOver?.owner, holder, `${run}: ${event.owner} acquired while ${holder} held the lease`);
        assert.ok(event.at >= event.tookOver!.expiresAt, `${run}: ${event.owner} took over before ${holder}'s lease expired`);
        takeovers.push(event);
      } else {
        assert.equal(event.tookOver, undefined, `${run}: a takeover of a released lease`);
      }
      holder = event.owner;
    } else if (event.event === "released") {
      assert.equal(event.owner, holder, `${run}: ${event.owner} released a lease it did not hold`);
      holder = null;
    } else {
      assert.fail(`${run}: ${event.owner} lost its lease while training (${JSON.stringify(event)})`);
    }
  }
  assert.equal(holder, null, `${run}: the lease of a finished run is still held by ${String(holder)}`);
  return takeovers;
}

describe("sweeps on a Redis queue", () => {
  test("6 runs over 3 workers, one SIGKILLed with its train process mid-run: all finish, byte-identical to uninterrupted runs, never two holders at once", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mtrl-sweep-queue-"));
    const redis = await startRedis();
    const workers: ChildProcess[] = [];
    try {
      const sweepFile = join(dir, "six.yaml");
      writeFileSync(sweepFile, SWEEP);
      const runsDir = join(dir, "queue-runs");
      const enqueued = mtrl(["sweep", sweepFile, "--queue", redis.url, "--runs-dir", runsDir]);
      assert.equal(enqueued.status, 0, enqueued.stderr);
      assert.match(enqueued.stdout, /6 runs added/);
      const again = mtrl(["sweep", sweepFile, "--queue", redis.url, "--runs-dir", runsDir]);
      assert.match(again.stdout, /0 runs added .*, 6 already there/, "jobs are deduplicated by <sweep>/<run>");

      for (let index = 0; index < 3; index++) workers.push(startWorker(redis.url, join(dir, `worker${index}.log`)));
      const victim = workers[0]!;
      // Kill worker 0 while it trains a run that has a checkpoint and is not finished.
      const runDir = (run: string): string => join(runsDir, "six", run);
      const killedRun = await waitFor("worker 0 to be mid-run after a checkpoint", 120_000, () =>
        RUNS.find((run) => {
          const status = readRunStatus(run, runDir(run));
          const childPid = status.holder === null ? undefined : Number(status.holder.split(":")[1]);
          return status.state === "running" && status.checkpointStep >= 50 && status.checkpointStep < TOTAL_STEPS - 50 && childPid !== undefined && parentPid(childPid) === victim.pid;
        }),
      );
      const killedHolder = readRunStatus(killedRun, runDir(killedRun)).holder!;
      process.kill(-victim.pid!, "SIGKILL");

      await waitFor("every run to finish", 200_000, () => (RUNS.every((run) => readRunStatus(run, runDir(run)).state === "done") ? true : undefined));
      const status = mtrl(["sweep", "status", "six", "--runs-dir", runsDir, "--json"]);
      assert.equal(status.status, 0, status.stderr);
      assert.deepEqual(
        (JSON.parse(status.stdout) as { runs: Array<{ name: string; state: string }> }).runs.map((run) => [run.name, run.state]),
        RUNS.map((run) => [run, "done"]),
      );

      for (const run of RUNS) {
        const takeovers = checkNoOverlap(run, readLeaseHistory(runDir(run)));
        if (run === killedRun) {
          assert.equal(takeovers.length, 1, `${run}: the killed worker's lease should have been taken over once`);
          assert.equal(takeovers[0]!.tookOver!.owner, killedHolder);
          const log = readFileSync(join(runDir(run), "train.log"), "utf8");
          assert.match(log, /resuming: /, `${run} should continue from its checkpoint, not start again:\n${log}`);
        } else {
          assert.equal(takeovers.length, 0, `${run} was never killed`);
        }
      }

      // The same runs, each alone and never interrupted: a local sweep into another folder.
      const referenceDir = join(dir, "reference-runs");
      const local = mtrl(["sweep", sweepFile, "--local", "2", "--runs-dir", referenceDir], 240_000);
      assert.equal(local.status, 0, `${local.stdout}\n${local.stderr}`);
      for (const run of RUNS) {
        const reference = join(referenceDir, "six", run);
        assert.ok(readFileSync(join(runDir(run), "metrics.jsonl")).equals(readFileSync(join(reference, "metrics.jsonl"))), `${run}: metrics.jsonl differs from the uninterrupted run`);
        assert.ok(checkpointWeights(runDir(run), TOTAL_STEPS).equals(checkpointWeights(reference, TOTAL_STEPS)), `${run}: final weights differ from the uninterrupted run`);
      }
    } finally {
      for (const worker of workers) {
        try {
          process.kill(-worker.pid!, "SIGKILL");
        } catch {
          // Already gone (the victim).
        }
      }
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unreachable queue is a clear error within seconds: what was tried, how to start Redis; nothing is written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mtrl-sweep-unreachable-"));
    try {
      const port = await freePort();
      const sweepFile = join(dir, "s.yaml");
      writeFileSync(sweepFile, "name: nowhere\nbase: [env=mt-pendulum, experiment=smoke]\nseeds: [1]\n");
      const runsDir = join(dir, "runs");
      for (const args of [["sweep", sweepFile, "--queue", `redis://127.0.0.1:${port}`, "--runs-dir", runsDir], ["worker", "--queue", `redis://127.0.0.1:${port}`]]) {
        const result = mtrl(args);
        assert.equal(result.status, 1, `mtrl ${args.join(" ")}: ${result.stdout}${result.stderr}`);
        assert.ok(result.seconds < 15, `mtrl ${args[0]} took ${result.seconds.toFixed(1)} s to give up`);
        assert.match(result.stderr, new RegExp(`error: Cannot reach the queue at redis://127\\.0\\.0\\.1:${port}: tried Redis at 127\\.0\\.0\\.1:${port} and got: .*ECONNREFUSED`));
        assert.match(result.stderr, new RegExp(`redis-server --port ${port}; on Debian: apt-get install redis-server`));
      }
      assert.equal(existsSync(runsDir), false, "an unreachable queue should leave no sweep folder");
      const notRedis = mtrl(["sweep", sweepFile, "--queue", "http://127.0.0.1:80", "--runs-dir", runsDir]);
      assert.equal(notRedis.status, 1);
      assert.match(notRedis.stderr, /--queue expects a redis:\/\/ or rediss:\/\/ URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
