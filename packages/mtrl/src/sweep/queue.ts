import type { ChildProcess } from "node:child_process";
import { MTError } from "@mtrl/core";
import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { runSweepJob, type SweepJob } from "./run-job.js";
import type { Sweep } from "./sweep-file.js";

/**
 * Sweeps on a Redis queue (BullMQ): `mtrl sweep --queue` adds one job per run (job id
 * `<sweep>/<run>`, so adding a sweep again adds nothing twice), `mtrl worker` runs them.
 *
 * A worker that dies stops renewing its BullMQ job lock; another worker's stalled-job check moves
 * the job back to waiting, and its next taker finds the run's lease (lease.json) still held until
 * it expires, retries after a back-off, then resumes the run from its newest checkpoint.
 */

export const QUEUE_NAME = "mtrl-runs";
/** The jobs' back-off type: the worker's strategy waits a quarter of its lease length. */
const LEASE_BACKOFF = "lease";
/** How long a connection attempt may take before the command says the queue is unreachable. */
const CONNECT_TIMEOUT_MS = 3000;

/** The queue URL cannot be reached or is not a Redis URL. */
export class QueueError extends MTError {}

/** A queue job's data: the run, and the runs folder of the machine that enqueued it. */
export interface QueueJobData extends SweepJob {
  readonly runsDir: string;
}

function checkUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(`--queue expects a Redis URL such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}.`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new QueueError(`--queue expects a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379), got ${JSON.stringify(url)}.`);
  }
  return parsed;
}

/**
 * A connected client, or a QueueError that says what was tried and how to start Redis — after at
 * most CONNECT_TIMEOUT_MS, never a hang. BullMQ needs `maxRetriesPerRequest: null` once connected.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const parsed = checkUrl(url);
  const where = `${parsed.hostname || "localhost"}:${parsed.port || "6379"}`;
  let lastError: Error | undefined;
  const client = new Redis(url, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: null, retryStrategy: () => null, enableOfflineQueue: true });
  let failed: (error: Error) => void = () => {};
  client.on("error", (error: Error) => {
    lastError = error;
    failed(error);
  });
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => (failed = reject)),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS + 500).unref()),
    ]);
  } catch (error) {
    client.disconnect();
    const reason = (lastError?.message ?? (error as Error).message).replace(/\.$/, "");
    throw new QueueError(
      `Cannot reach the queue at ${url}: tried Redis at ${where} and got: ${reason}.\n` +
        `Start Redis there (redis-server --port ${parsed.port || "6379"}; on Debian: apt-get install redis-server), ` +
        `or pass the URL of a running one, e.g. --queue redis://<host>:6379. Without Redis, run the sweep here with --local <N>.`,
    );
  }
  // From now on reconnect after a dropped connection instead of giving up.
  client.options.retryStrategy = (times: number) => Math.min(times * 500, 5000);
  return client;
}

export interface EnqueueResult {
  readonly added: readonly string[];
  /** Runs already on the queue, with their state (a failed one is retried). */
  readonly existing: ReadonlyArray<{ readonly run: string; readonly state: string }>;
}

/** Adds one job per run of `sweep`; runs already on the queue are left (failed ones retried). */
export async function enqueueSweep(url: string, sweep: Sweep, runsDir: string): Promise<EnqueueResult> {
  const connection = await connectRedis(url);
  const queue = new Queue<QueueJobData>(QUEUE_NAME, { connection });
  try {
    const added: string[] = [];
    const existing: Array<{ run: string; state: string }> = [];
    for (const run of sweep.runs) {
      const jobId = `${sweep.name}/${run.name}`;
      const job = await queue.getJob(jobId);
      if (job !== undefined) {
        const state = await job.getState();
        if (state === "failed") await job.retry("failed");
        existing.push({ run: run.name, state: state === "failed" ? "failed, retried" : state });
        continue;
      }
      await queue.add("train", { sweep: sweep.name, run: run.name, overrides: [...run.overrides], runsDir }, { jobId, attempts: 1_000_000, backoff: { type: LEASE_BACKOFF }, removeOnComplete: false, removeOnFail: false });
      added.push(run.name);
    }
    return { added, existing };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

export interface WorkerOptions {
  readonly url: string;
  readonly concurrency: number;
  /** The runs folder here; default: the one of the machine that enqueued the job. */
  readonly runsDir: string | undefined;
  readonly leaseSeconds: number;
  readonly say: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs, asks running train processes to save a checkpoint and stop, and waits for them. */
  close(): Promise<void>;
}

/**
 * Pulls jobs until closed. The BullMQ lock lasts half a lease and the stalled check runs as often,
 * so a dead worker's job is back on the queue before its lease expires; `maxStalledCount` is high
 * because a stall is a dead machine, not a bad job. A run whose lease is held is retried after a
 * quarter of a lease (the job's back-off), a failed train process fails the job for good.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const connection = await connectRedis(options.url);
  const children = new Set<ChildProcess>();
  const halfLease = Math.max(1000, (options.leaseSeconds * 1000) / 2);
  const retryDelay = Math.max(1000, (options.leaseSeconds * 1000) / 4);
  const process_ = async (job: Job<QueueJobData>): Promise<string> => {
    const { sweep, run } = job.data;
    const runsDir = options.runsDir ?? job.data.runsDir;
    options.say(`start ${sweep}/${run} (attempt ${job.attemptsMade + 1})`);
    const result = await runSweepJob(job.data, {
      runsDir,
      leaseSeconds: options.leaseSeconds,
      onSpawn: (child) => {
        children.add(child);
        child.once("exit", () => children.delete(child));
      },
    });
    options.say(`${result.outcome} ${sweep}/${run} (${result.seconds.toFixed(1)} s${result.exitCode === null ? "" : `, exit ${result.exitCode}`})`);
    switch (result.outcome) {
      case "done":
        return "done";
      case "failed":
        throw new UnrecoverableError(`train exited with code ${String(result.exitCode)}; see ${result.runDir}/train.log`);
      case "busy":
        throw new Error(`the run's lease is held by another process; retrying in ${retryDelay / 1000} s`);
      case "stopped":
        throw new Error("the train process was stopped; the run continues from its checkpoint on the next attempt");
    }
  };
  const worker = new Worker<QueueJobData, string>(QUEUE_NAME, process_, {
    connection,
    concurrency: options.concurrency,
    lockDuration: halfLease,
    stalledInterval: halfLease,
    maxStalledCount: 1_000_000,
    settings: { backoffStrategy: (_attempts: number, type?: string) => (type === LEASE_BACKOFF ? retryDelay : 5000) },
  });
  worker.on("error", (error) => options.say(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  return {
    async close() {
      for (const child of children) child.kill("SIGTERM");
      await worker.close();
      connection.disconnect();
    },
  };
}
