import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { ConfigError, SpaceMismatchError, VectorEnvError } from "../core/errors.js";
import type { AnyMTEnv, Info, MTObservationSpace } from "../core/types.js";
import { DictSpace } from "../spaces/dict.js";
import { spaceFromJSON } from "../spaces/from-json.js";
import type { Space } from "../spaces/space.js";
import { type BufferSizes, type VectorBuffers, allocateBuffers, bufferStorage } from "./buffers.js";
import { type AutoresetMode, checkAutoresetMode } from "./autoreset-mode.js";
import { assertVectorEnvSpec, buildEnv } from "./build-env.js";
import { cloneAcrossThreads } from "./clone.js";
import { EnvBatchRunner } from "./env-batch-runner.js";
import { importEnvModules, loadBuiltinEnvs, toImportable } from "./env-modules.js";
import type { VectorEnvOptions, VectorEnvSpec } from "./types.js";
import { VectorEnvBase } from "./vector-env-base.js";
import {
  COMMAND,
  COMMAND_SEQ,
  CONTROL_STRIDE,
  Command,
  type BuffersMessage,
  type CommandPayload,
  DONE_SEQ,
  HAS_MESSAGE,
  STATUS,
  type StartupMessage,
  type WorkerInit,
  type WorkerReply,
  WorkerStatus,
  deserializeError,
} from "./worker-protocol.js";

export interface ParallelVectorEnvOptions extends VectorEnvOptions {
  /**
   * Worker threads. Default: one thread per core (`os.availableParallelism()`), counting the
   * calling thread when `useMainThread` is on — so 1 worker on a 2-core machine. Never more
   * threads than environments.
   */
  readonly numWorkers?: number;
  /**
   * Whether the calling thread steps a share of the environments while it waits for the workers.
   * Default true: it would otherwise sit idle in `step()`, and an extra spinning thread on a busy
   * core costs more than it brings (measured: 2 workers + idle main on 2 cores ran a cheap env
   * ~8× slower than 1 worker + main).
   */
  readonly useMainThread?: boolean;
  /**
   * Modules to import before building the envs (in each worker, and here when useMainThread),
   * for environments registered outside this package: package names, file: URLs or absolute paths.
   */
  readonly imports?: readonly string[];
  /** Longest wait for one reset/step/call before a VectorEnvError. Default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Longest wait for the workers to build their envs. Default 120 000 ms. */
  readonly startupTimeoutMs?: number;
  /**
   * How long a waiting thread polls before it sleeps, in Atomics.load polls (20 000 ≈ tens of
   * µs). Default 20 000 when there are no more threads than cores, else 0. Tuning knob for
   * benchmarks; results never depend on it.
   */
  readonly spinPolls?: number;
}

/** One worker thread and its share [start, start + count) of the environments. */
interface WorkerHandle {
  readonly index: number;
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly start: number;
  readonly count: number;
  /** Last command sequence number posted (wraps like the Int32 control word). */
  seq: number;
  exited: boolean;
  exitCode: number | undefined;
}

const BOOTSTRAP = new URL("./worker-bootstrap.js", import.meta.url);
/**
 * Default polls of a control word before sleeping in Atomics.wait (a few tens of µs). A futex
 * wake-up costs tens of µs, which dominates cheap envs, so both sides spin briefly — but only when
 * every thread has a core: spinning threads that share a core starve each other (measured: 2
 * workers + this thread on 2 cores ran a cheap env ~10× slower with spinning than without).
 */
const DEFAULT_SPIN_POLLS = 20_000;

/**
 * Steps its environments in worker threads, several envs per thread, one thread per core by
 * default (the calling thread steps the first share itself). Workers write observations, rewards
 * and flags straight into SharedArrayBuffers and synchronise with Atomics, so `reset` and `step`
 * are synchronous calls like SyncVectorEnv's — and return the same numbers bit for bit for the
 * same seeds, because both run the same EnvBatchRunner code on the same specs.
 *
 * Build it with `await ParallelVectorEnv.create(specs)` (starting workers is asynchronous), and
 * `await close()` it: that terminates the workers.
 */
export class ParallelVectorEnv extends VectorEnvBase {
  private readonly control: Int32Array;
  private readonly timeoutMs: number;
  private readonly spinPolls: number;
  /** Set after a timeout or crash: the workers' state is unknown, only close() remains. */
  private broken: string | undefined;

  private constructor(
    spaces: EnvSpaces,
    buffers: VectorBuffers,
    options: { autoresetMode: AutoresetMode; timeoutMs: number; spinPolls: number },
    control: SharedArrayBuffer,
    /** The calling thread's share, if it has one (always envs 0..). */
    private readonly local: EnvBatchRunner | undefined,
    private readonly workers: readonly WorkerHandle[],
  ) {
    super(spaces.observationSpace, spaces.actionSpace, buffers, options.autoresetMode);
    this.control = new Int32Array(control);
    this.timeoutMs = options.timeoutMs;
    this.spinPolls = options.spinPolls;
  }

  static async create(specs: readonly VectorEnvSpec[], options: ParallelVectorEnvOptions = {}): Promise<ParallelVectorEnv> {
    const autoresetMode = checkAutoresetMode(options.autoresetMode);
    if (specs.length === 0) throw new ConfigError("ParallelVectorEnv needs at least one environment spec, got an empty list.");
    specs.forEach((spec, i) => assertVectorEnvSpec(spec, `specs[${i}]`));
    const useMainThread = options.useMainThread ?? true;
    const requested = options.numWorkers ?? Math.max(availableParallelism() - (useMainThread ? 1 : 0), useMainThread ? 0 : 1);
    if (!Number.isInteger(requested) || requested < (useMainThread ? 0 : 1)) {
      throw new ConfigError(
        `ParallelVectorEnv numWorkers must be an integer >= ${useMainThread ? 0 : 1}${useMainThread ? "" : " (useMainThread is off)"}, got ${options.numWorkers}.`,
      );
    }
    const timeoutMs = positive(options.timeoutMs ?? 60_000, "timeoutMs");
    const startupTimeoutMs = positive(options.startupTimeoutMs ?? 120_000, "startupTimeoutMs");
    const imports = (options.imports ?? []).map(toImportable);

    const threads = Math.min(specs.length, requested + (useMainThread ? 1 : 0));
    const spinPolls = options.spinPolls ?? (threads + (useMainThread ? 0 : 1) <= availableParallelism() ? DEFAULT_SPIN_POLLS : 0);
    if (!Number.isInteger(spinPolls) || spinPolls < 0) throw new ConfigError(`ParallelVectorEnv spinPolls must be an integer >= 0, got ${spinPolls}.`);
    const shares = splitEvenly(specs.length, threads);
    const localShare = useMainThread ? shares.shift() : undefined;
    const control = new SharedArrayBuffer(Math.max(shares.length, 1) * CONTROL_STRIDE * Int32Array.BYTES_PER_ELEMENT);
    const handles: WorkerHandle[] = [];
    const localEnvs: AnyMTEnv[] = [];
    try {
      // Workers build their envs while this thread builds its own.
      const ready = shares.map(({ start, count }, index) => {
        const { port1, port2 } = new MessageChannel();
        const init: WorkerInit = { workerIndex: index, start, specs: specs.slice(start, start + count), imports, autoresetMode, control, port: port2, spinPolls };
        const worker = new Worker(BOOTSTRAP, { workerData: init, transferList: [port2], execArgv: [] });
        const handle: WorkerHandle = { index, worker, port: port1, start, count, seq: 0, exited: false, exitCode: undefined };
        worker.on("exit", (code) => {
          handle.exited = true;
          handle.exitCode = code;
        });
        handles.push(handle);
        return waitForStartup(handle, startupTimeoutMs);
      });
      const spaces: { spaces: EnvSpaces; where: string }[] = [];
      if (localShare !== undefined) {
        try {
          await loadBuiltinEnvs(specs.map((spec) => spec.id));
          await importEnvModules(imports);
          for (const spec of specs.slice(0, localShare.count)) localEnvs.push(buildEnv(spec));
        } catch (error) {
          // Still let the workers settle, so none is left half-started.
          await Promise.allSettled(ready);
          throw error;
        }
        spaces.push(...localEnvs.map((env, i) => ({ spaces: { observationSpace: env.observationSpace, actionSpace: env.actionSpace }, where: `environment ${i}` })));
      }
      // allSettled: report the failure of the lowest worker, not whichever lost the race.
      const started = await Promise.allSettled(ready);
      const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
      if (failure !== undefined) throw failure.reason;
      started.forEach((result, i) => {
        spaces.push({ spaces: (result as PromiseFulfilledResult<EnvSpaces>).value, where: `worker ${i} (environments ${describeShare(handles[i]!)})` });
      });
      const first = spaces[0]!;
      for (const { spaces: current, where } of spaces) {
        if (!current.observationSpace.equals(first.spaces.observationSpace) || !current.actionSpace.equals(first.spaces.actionSpace)) {
          throw new SpaceMismatchError(
            `Every environment of a vector env needs the same spaces, but ${where} has ` +
              `${current.observationSpace.toString()} / ${current.actionSpace.toString()} while ${first.where} has ` +
              `${first.spaces.observationSpace.toString()} / ${first.spaces.actionSpace.toString()}.`,
          );
        }
      }
      // Sizes are known only now, from the environments themselves.
      const sizes: BufferSizes = {
        numEnvs: specs.length,
        envObsSize: first.spaces.observationSpace.spaces.envObs.flatSize,
        envObsDtype: first.spaces.observationSpace.spaces.envObs.flatDtype,
        taskObsSize: first.spaces.observationSpace.spaces.taskObs.flatSize,
        actionSize: first.spaces.actionSpace.flatSize,
      };
      const buffers = allocateBuffers(sizes, true);
      const message: BuffersMessage = { kind: "buffers", sizes, storage: bufferStorage(buffers) };
      for (const handle of handles) {
        handle.worker.postMessage(message);
        // Workers must not keep a finished program alive if someone forgets close().
        handle.worker.unref();
        handle.port.unref();
      }
      const local = localEnvs.length > 0 ? new EnvBatchRunner(localEnvs, 0, buffers, autoresetMode) : undefined;
      return new ParallelVectorEnv(first.spaces, buffers, { autoresetMode, timeoutMs, spinPolls }, control, local, handles);
    } catch (error) {
      for (const env of localEnvs) env.close();
      await Promise.all(handles.map((handle) => terminate(handle)));
      throw error;
    }
  }

  get numWorkers(): number {
    return this.workers.length;
  }

  /** Worker threads still running (0 after close()). */
  get liveWorkers(): number {
    return this.workers.filter((handle) => !handle.exited).length;
  }

  protected resetEnvs(seeds: readonly (number | undefined)[], options: Record<string, unknown> | undefined, mask: readonly boolean[]): Info[] {
    const payload: CommandPayload = { kind: "reset", seeds: [...seeds], options, mask: [...mask] };
    const { local, replies } = this.run(Command.Reset, "reset()", payload, (runner) => runner.reset(seeds, options, mask));
    return this.collectInfos(local, replies);
  }

  protected stepEnvs(): Info[] {
    const { local, replies } = this.run(Command.Step, "step()", undefined, (runner) => runner.step());
    return this.collectInfos(local, replies);
  }

  protected callEnvs(method: string, args: readonly unknown[]): unknown[] {
    // Checked here first, so that a bad argument fails before any worker is sent anything.
    cloneAcrossThreads(args, "call() arguments");
    const { local, replies } = this.run(Command.Call, `call("${method}")`, { kind: "call", method, args: [...args] }, (runner) =>
      cloneAcrossThreads(runner.call(method, cloneAcrossThreads(args, "call() arguments")), "a call() result"),
    );
    return [...(local ?? []), ...replies.flatMap((reply) => (reply?.kind === "results" ? reply.results : []))];
  }

  protected async closeEnvs(): Promise<void> {
    if (this.broken === undefined && this.workers.length > 0) {
      try {
        // Lets every env release its resources before the threads go.
        this.run(Command.Close, "close()", undefined, (runner) => runner.close(), Math.min(this.timeoutMs, 5_000));
      } catch {
        // A worker that cannot close cleanly is terminated below all the same.
      }
    } else {
      this.local?.close();
    }
    await Promise.all(this.workers.map((handle) => terminate(handle)));
  }

  /**
   * Posts `command` to every worker, runs `localWork` on this thread's share meanwhile, and blocks
   * (Atomics.wait, bounded by the timeout) until every worker finished. If anything threw, throws
   * the error of the lowest environment index — after all threads are done, so none is left
   * mid-step.
   */
  private run<T>(
    command: Command,
    what: string,
    payload: CommandPayload | undefined,
    localWork: (runner: EnvBatchRunner) => T,
    timeoutMs = this.timeoutMs,
  ): { local: T | undefined; replies: (WorkerReply | undefined)[] } {
    if (this.broken !== undefined) {
      throw new VectorEnvError(`ParallelVectorEnv: ${what} called after a worker failure (${this.broken}). close() it and create a new one.`);
    }
    const { control } = this;
    for (const handle of this.workers) {
      if (handle.exited) this.fail(`worker ${handle.index} (environments ${describeShare(handle)}) has exited with code ${handle.exitCode}`);
    }
    for (const handle of this.workers) {
      if (payload !== undefined) handle.port.postMessage(payload);
      handle.seq = (handle.seq + 1) | 0;
      const base = handle.index * CONTROL_STRIDE;
      Atomics.store(control, base + COMMAND, command);
      Atomics.store(control, base + COMMAND_SEQ, handle.seq);
      Atomics.notify(control, base + COMMAND_SEQ);
    }
    let local: T | undefined;
    let firstError: unknown;
    let firstErrorIndex = Infinity;
    if (this.local !== undefined) {
      try {
        local = localWork(this.local);
      } catch (error) {
        firstError = error;
        firstErrorIndex = (error as { envIndex?: number } | undefined)?.envIndex ?? 0;
      }
    }
    const deadline = performance.now() + timeoutMs;
    for (const handle of this.workers) this.waitForWorker(handle, what, deadline, timeoutMs);

    const replies: (WorkerReply | undefined)[] = [];
    for (const handle of this.workers) {
      const base = handle.index * CONTROL_STRIDE;
      const reply = Atomics.load(control, base + HAS_MESSAGE) === 1 ? this.receive(handle, what) : undefined;
      replies.push(reply);
      if (Atomics.load(control, base + STATUS) !== WorkerStatus.Error) continue;
      const error =
        reply?.kind === "error"
          ? deserializeError(reply.error, handle.index)
          : new VectorEnvError(`ParallelVectorEnv: worker ${handle.index} reported an error in ${what} without details.`);
      const envIndex = reply?.kind === "error" ? (reply.error.envIndex ?? handle.start) : handle.start;
      if (envIndex < firstErrorIndex) {
        firstError = error;
        firstErrorIndex = envIndex;
      }
    }
    if (firstError !== undefined) throw firstError;
    return { local, replies };
  }

  private waitForWorker(handle: WorkerHandle, what: string, deadline: number, timeoutMs: number): void {
    const { control } = this;
    const base = handle.index * CONTROL_STRIDE;
    for (let poll = 0; poll < this.spinPolls; poll++) {
      if (Atomics.load(control, base + DONE_SEQ) === handle.seq) return;
    }
    for (;;) {
      const done = Atomics.load(control, base + DONE_SEQ);
      if (done === handle.seq) return;
      if (Atomics.load(control, base + STATUS) === WorkerStatus.Crashed) {
        this.fail(`worker ${handle.index} (environments ${describeShare(handle)}) exited during ${what} — did an environment call process.exit?`);
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        this.fail(
          `worker ${handle.index} (environments ${describeShare(handle)}) did not finish ${what} (command #${handle.seq}, last finished #${done}) ` +
            `within ${timeoutMs} ms. An environment may be stuck in a loop or far slower than expected; raise timeoutMs if that is normal`,
        );
      }
      // Bounded sleeps keep the deadline honest even if a notify were missed.
      Atomics.wait(control, base + DONE_SEQ, done, Math.min(remaining, 250));
    }
  }

  private receive(handle: WorkerHandle, what: string): WorkerReply {
    const received = receiveMessageOnPort(handle.port);
    if (received === undefined) {
      this.fail(`worker ${handle.index} flagged a reply to ${what} but none arrived (protocol error)`);
    }
    return received.message as WorkerReply;
  }

  private collectInfos(local: Info[] | undefined, replies: readonly (WorkerReply | undefined)[]): Info[] {
    const infos: Info[] = local ?? [];
    replies.forEach((reply, w) => {
      const handle = this.workers[w]!;
      for (let k = 0; k < handle.count; k++) {
        const info = reply?.kind === "infos" ? reply.infos[k] : null;
        infos.push(info ?? {});
      }
    });
    return infos;
  }

  private fail(reason: string): never {
    this.broken = reason;
    throw new VectorEnvError(`ParallelVectorEnv: ${reason}. The vector env is now unusable: close() it (this terminates the workers) and create a new one.`);
  }
}

interface EnvSpaces {
  readonly observationSpace: MTObservationSpace<unknown, unknown>;
  readonly actionSpace: Space<unknown>;
}

/** Resolves with the worker's spaces once it built its envs; rejects with its typed error. */
function waitForStartup(handle: WorkerHandle, timeoutMs: number): Promise<EnvSpaces> {
  const { worker } = handle;
  return new Promise<EnvSpaces>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(
        new VectorEnvError(
          `ParallelVectorEnv: worker ${handle.index} (envs ${describeShare(handle)}) did not build its environments within ${timeoutMs} ms. ` +
            `Check that the environment constructs quickly in a plain script, or raise startupTimeoutMs.`,
        ),
      );
    }, timeoutMs);
    const onMessage = (message: StartupMessage): void => {
      finish();
      if (message.kind === "error") {
        reject(deserializeError(message.error, handle.index));
        return;
      }
      try {
        const observationSpace = spaceFromJSON(message.observationSpace);
        if (!(observationSpace instanceof DictSpace)) throw new SpaceMismatchError("worker sent a non-Dict observation space");
        resolve({ observationSpace: observationSpace as MTObservationSpace<unknown, unknown>, actionSpace: spaceFromJSON(message.actionSpace) });
      } catch (error) {
        reject(error);
      }
    };
    const onError = (error: Error): void => {
      finish();
      reject(new VectorEnvError(`ParallelVectorEnv: worker ${handle.index} failed while starting: ${error.name}: ${error.message}`));
    };
    const onExit = (code: number): void => {
      finish();
      reject(new VectorEnvError(`ParallelVectorEnv: worker ${handle.index} exited with code ${code} before building its environments.`));
    };
    function finish(): void {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    }
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

async function terminate(handle: WorkerHandle): Promise<void> {
  handle.port.close();
  if (handle.exited) return;
  await handle.worker.terminate();
  handle.exited = true;
}

/** Contiguous shares, sizes differing by at most one: worker w owns one slice of every buffer. */
export function splitEvenly(total: number, parts: number): { start: number; count: number }[] {
  const shares: { start: number; count: number }[] = [];
  let start = 0;
  for (let part = 0; part < parts; part++) {
    const count = Math.floor(total / parts) + (part < total % parts ? 1 : 0);
    shares.push({ start, count });
    start += count;
  }
  return shares;
}

function describeShare(handle: WorkerHandle): string {
  return handle.count === 1 ? `${handle.start}` : `${handle.start}–${handle.start + handle.count - 1}`;
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new ConfigError(`ParallelVectorEnv ${name} must be a positive number of milliseconds, got ${value}.`);
  return value;
}
