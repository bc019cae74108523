/**
 * Benchmark: a sweep of 8 short runs (MT-Pendulum, experiment=smoke, seeds 1–8) on this machine,
 * trained by `mtrl sweep --local 2` and by the Redis queue with two workers (concurrency 1 each),
 * same runs, same machine. Prints JSON lines: runs/hour of each, the mean seconds of a train
 * process (attempts.jsonl), and the queue's overhead per job —
 *   queue-dispatch        8 jobs whose runs are already complete (no train process is started):
 *                         what the queue itself costs per job, from BullMQ's timestamps
 *                         (added → finished, and a worker's processing of the job);
 *   overhead_s_per_job    (wall × 2 slots − Σ train-process seconds) / 8, for each mode.
 *
 *   npm run bench:sweep            (needs redis-server: apt-get install redis-server)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { QUEUE_NAME } from "../src/sweep/queue.js";
import { readAttempts, readRunStatus } from "../src/sweep/run-status.js";
import { cli } from "../src/testing/cli-runs.js";
import { startRedis } from "../src/testing/redis-server.js";

const RUNS = Array.from({ length: 8 }, (_, index) => `seed${index + 1}`);

function print(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

function sweepFile(dir: string, name: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}\nbase: [env=mt-pendulum, agent=mtsac-small, experiment=smoke]\nseeds: [1, 2, 3, 4, 5, 6, 7, 8]\n`);
  return path;
}

function mtrl(args: readonly string[]): void {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`mtrl ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
}

function trainSeconds(sweepDir: string): number {
  return RUNS.reduce((sum, run) => sum + readAttempts(join(sweepDir, run)).reduce((total, attempt) => total + (attempt.outcome === "busy" ? 0 : attempt.seconds), 0), 0);
}

function summary(mode: string, wallSeconds: number, sweepDir: string): void {
  const train = trainSeconds(sweepDir);
  print({
    mode,
    runs: RUNS.length,
    wall_s: Number(wallSeconds.toFixed(1)),
    runs_per_hour: Math.round((RUNS.length / wallSeconds) * 3600),
    mean_train_process_s: Number((train / RUNS.length).toFixed(2)),
    overhead_s_per_job: Number(((wallSeconds * 2 - train) / RUNS.length).toFixed(2)),
  });
}

async function waitUntil(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up after 15 minutes waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

const dir = mkdtempSync(join(tmpdir(), "mtrl-bench-sweep-"));
const redis = await startRedis();
const workers: ChildProcess[] = [];
try {
  const localRuns = join(dir, "local");
  let started = performance.now();
  mtrl(["sweep", sweepFile(dir, "bench"), "--local", "2", "--runs-dir", localRuns]);
  summary("local-2", (performance.now() - started) / 1000, join(localRuns, "bench"));

  for (let index = 0; index < 2; index++) {
    workers.push(spawn(process.execPath, [cli, "worker", "--queue", redis.url], { stdio: "ignore", detached: true }));
  }
  const queueRuns = join(dir, "queue");
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection });
  await waitUntil("two workers", async () => (await queue.getWorkersCount()) === 2);
  started = performance.now();
  mtrl(["sweep", sweepFile(dir, "bench"), "--queue", redis.url, "--runs-dir", queueRuns]);
  await waitUntil("the queued runs", () => RUNS.every((run) => readRunStatus(run, join(queueRuns, "bench", run)).state === "done"));
  summary("queue-2-workers", (performance.now() - started) / 1000, join(queueRuns, "bench"));

  // Pure queue cost: the same 8 runs, already complete, as a new sweep: no train process starts.
  cpSync(join(queueRuns, "bench"), join(queueRuns, "bench-complete"), { recursive: true });
  const before = (await queue.getJobCounts("completed")).completed ?? 0;
  started = performance.now();
  mtrl(["sweep", sweepFile(dir, "bench-complete"), "--queue", redis.url, "--runs-dir", queueRuns]);
  await waitUntil("the jobs of complete runs", async () => ((await queue.getJobCounts("completed")).completed ?? 0) >= before + RUNS.length);
  const seconds = (performance.now() - started) / 1000;
  const jobs = (await queue.getJobs(["completed"])).filter((job) => job.id?.startsWith("bench-complete/") === true);
  const mean = (values: readonly number[]): number => Math.round(values.reduce((sum, value) => sum + value, 0) / values.length);
  print({
    mode: "queue-dispatch",
    jobs: jobs.length,
    wall_s_with_enqueue_process: Number(seconds.toFixed(2)),
    added_to_finished_ms: mean(jobs.map((job) => job.finishedOn! - job.timestamp)),
    processing_ms: mean(jobs.map((job) => job.finishedOn! - job.processedOn!)),
  });
  await queue.close();
  connection.disconnect();
} finally {
  for (const worker of workers) process.kill(-worker.pid!, "SIGTERM");
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
