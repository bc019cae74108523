import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { KernelThreadTimeoutError } from "./kernel-errors.js";
import type { WasmArena } from "./wasm-arena.js";

/**
 * The second thread of the WASM backend (MTRL_WASM_THREADS=2, the default on two or more cores):
 * it runs parts of GEMMs and of the larger elementwise kernels.
 *
 * Protocol over an Int32Array control block in the shared memory: the main thread writes the
 * arguments of the second part, bumps `request` (notifying the worker only if it sleeps) and
 * computes the first part. The second part is *claimed*, by whichever thread gets there first:
 * the worker when it sees the request, or the main thread once its own part is done. A claim is a
 * compare-exchange of `claim` from the previous request's number to this one's, so exactly one
 * thread wins, and a worker that wakes late cannot take a part of a later request. When the
 * worker is not running — asleep, or preempted because another process has the core — the main
 * thread simply computes both parts and never waits for it; it waits (spinning briefly, then in
 * Atomics.wait) only for a part the worker has claimed, until the worker stores the request's
 * number into `done`. Only sequence numbers cross threads, so there is no lock to leak.
 *
 * Never deadlocks: the main thread's wait has a deadline (default 10 s) past which it throws
 * KernelThreadTimeoutError with the worker's state and the GEMM shape, stops the worker and
 * leaves the backend single-threaded. The worker's own idle wait is a timed poll.
 */

/** Control block layout, in Int32 slots; `request` and `done` sit on separate cache lines. */
const layout = {
  ints: 64,
  request: 0,
  claim: 1,
  done: 16,
  state: 17,
  failed: 18,
  shutdown: 19,
  testDelayMs: 20,
  operation: 21,
  testPaused: 22,
  params: 32,
  stateIdle: 1,
  stateRunning: 2,
  stateStopped: 3,
  stateSleeping: 4,
} as const;

const stateNames: Record<number, string> = { 0: "starting", 1: "idle", 2: "running", 3: "stopped", 4: "sleeping" };

export interface GemmThreadOptions {
  /** How long the main thread waits for the worker's half of one GEMM before throwing. */
  timeoutMs: number;
  /** How long the worker spins for the next request before sleeping. */
  workerSpinMs: number;
}

/** The part of a GEMM one thread computes, as arguments of the C `gemm` export. */
export type GemmCall = [
  transA: number, transB: number, m: number, n: number, k: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number,
];

/**
 * The exports the worker can run, by operation number: name, number of arguments, and which
 * arguments are floats (bit i set: argument i is a float; the others are int32s).
 */
export const workerOperations = [
  { name: "gemm", arity: 14, floatMask: (1 << 5) | (1 << 10) },
  { name: "add_bias_relu", arity: 5, floatMask: 0 },
  { name: "add_bias_rows", arity: 5, floatMask: 0 },
  { name: "relu_backward", arity: 4, floatMask: 0 },
  {
    name: "adam_update", arity: 13,
    floatMask: (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12),
  },
  { name: "polyak_update", arity: 5, floatMask: (1 << 3) | (1 << 4) },
  { name: "mix_rows", arity: 10, floatMask: 1 << 8 },
  { name: "mix_rows_weight_grad", arity: 9, floatMask: 1 << 7 },
  { name: "film_forward", arity: 9, floatMask: 0 },
  { name: "film_backward", arity: 16, floatMask: 1 << 12 },
  { name: "im2col_batch", arity: 16, floatMask: 0 },
  { name: "col2im_batch", arity: 16, floatMask: 0 },
  { name: "channels_to_images", arity: 9, floatMask: 0 },
  { name: "images_to_channels", arity: 7, floatMask: 0 },
  { name: "sum_channels", arity: 8, floatMask: 0 },
  { name: "grid_to_images", arity: 12, floatMask: 0 },
  { name: "images_to_grid", arity: 10, floatMask: 0 },
  { name: "add_channel_bias", arity: 6, floatMask: 0 },
] as const;

export type WorkerOperation = (typeof workerOperations)[number]["name"];
const operationNumbers = new Map<string, number>(workerOperations.map((operation, index) => [operation.name, index]));

export class GemmWorkerThread {
  private readonly control: Int32Array;
  private readonly floats: Float32Array;
  private sequence: number;
  private broken: string | null = null;
  /** Test hook: leave the second part to the worker (see setTestDelay). */
  private leaveSecondPartToWorker = false;

  private constructor(
    private readonly worker: Worker,
    private readonly errorPort: MessagePort,
    controlView: Float32Array,
    private readonly options: GemmThreadOptions,
    private readonly localExports: WebAssembly.Exports,
  ) {
    this.control = new Int32Array(controlView.buffer, controlView.byteOffset, layout.ints);
    this.floats = controlView;
    this.sequence = Atomics.load(this.control, layout.request);
  }

  /**
   * Starts the worker and waits until it has instantiated the module. `localExports` are the main
   * thread's instance of the same module: they run the second part here when the worker does not.
   */
  static async start(
    module: WebAssembly.Module, arena: WasmArena, options: GemmThreadOptions, localExports: WebAssembly.Exports,
  ): Promise<GemmWorkerThread> {
    const controlView = arena.allocate(layout.ints);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL("./wasm-gemm-worker.js", import.meta.url), {
      workerData: {
        module, memory: arena.memory, controlByteOffset: controlView.byteOffset, layout,
        idleWaitMs: 1000, spinMs: options.workerSpinMs, errorPort: port2, operations: workerOperations,
      },
      transferList: [port2],
    });
    // Starting a worker (and the TypeScript loader it inherits) can take a second on a busy
    // machine; that is not what the per-GEMM timeout is about, so it gets its own bound.
    const startTimeoutMs = Math.max(options.timeoutMs, 30_000);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new KernelThreadTimeoutError(
          `WASM GEMM worker did not start within ${startTimeoutMs} ms.`)), startTimeoutMs);
        worker.once("message", () => { clearTimeout(timer); resolve(); });
        worker.once("error", (error) => { clearTimeout(timer); reject(error); });
      });
    } catch (error) {
      void worker.terminate();
      port1.close();
      throw error;
    }
    // Neither the idle worker nor its port may keep the process alive.
    worker.unref();
    port1.unref();
    return new GemmWorkerThread(worker, port1, controlView, options, localExports);
  }

  /** Why the thread was abandoned, or null while usable. */
  get failure(): string | null {
    return this.broken;
  }

  /**
   * Test hook: makes the worker stall this long after claiming each part, and the main thread
   * leave every second part to the worker (to exercise the timeout).
   */
  setTestDelay(ms: number): void {
    this.leaveSecondPartToWorker = ms > 0;
    Atomics.store(this.control, layout.testDelayMs, ms);
  }

  /** Test hook: while paused, the worker takes no part (as if another process had its core). */
  setTestPaused(paused: boolean): void {
    Atomics.store(this.control, layout.testPaused, paused ? 1 : 0);
    if (!paused) Atomics.notify(this.control, layout.testPaused);
  }

  /** Offers `call` (a GEMM part) to the worker; `runOwnPart` runs on this thread meanwhile. */
  run(call: GemmCall, runOwnPart: () => void, describe: () => string): void {
    this.runOperation("gemm", call, runOwnPart, describe);
  }

  /**
   * Runs export `name` on `args` (the second part) on the worker if it claims it in time, else
   * here after `runOwnPart` (the first part), which runs on this thread meanwhile.
   */
  runOperation(name: WorkerOperation, args: readonly number[], runOwnPart: () => void, describe: () => string): void {
    const operation = operationNumbers.get(name)!;
    const floatMask = workerOperations[operation]!.floatMask;
    const p = layout.params;
    for (let index = 0; index < args.length; index++) {
      // Floats where the export takes floats; everything else is an int32 (pointers may wrap past 2 GiB).
      if ((floatMask >> index) & 1) this.floats[p + index] = args[index]!;
      else this.control[p + index] = args[index]!;
    }
    this.control[layout.operation] = operation;
    const previous = this.sequence;
    const sequence = (previous + 1) | 0;
    this.sequence = sequence;
    Atomics.store(this.control, layout.request, sequence);
    // A spinning worker sees the request by itself; notifying costs a syscall only when it sleeps.
    if (Atomics.load(this.control, layout.state) === layout.stateSleeping) Atomics.notify(this.control, layout.request, 1);
    let ownError: unknown = null;
    try {
      runOwnPart();
    } catch (error) {
      ownError = error;
    }
    if (!this.leaveSecondPartToWorker && Atomics.compareExchange(this.control, layout.claim, previous, sequence) === previous) {
      // The worker has not taken its part (it is not running): do it here rather than wait.
      if (ownError !== null) throw ownError;
      (this.localExports[name] as (...values: number[]) => void)(...args);
      return;
    }
    this.waitFor(sequence, describe);
    if (ownError !== null) throw ownError;
    if (Atomics.load(this.control, layout.failed) !== 0) {
      const message = receiveMessageOnPort(this.errorPort)?.message;
      throw new Error(`WASM GEMM worker failed on ${describe()}: ${String(message ?? "no message")}`);
    }
  }

  private waitFor(sequence: number, describe: () => string): void {
    // Most waits end within microseconds (both halves take as long): spin before sleeping.
    for (let spin = 0; spin < 4096; spin++) {
      if (Atomics.load(this.control, layout.done) === sequence) return;
    }
    const deadline = performance.now() + this.options.timeoutMs;
    for (;;) {
      const done = Atomics.load(this.control, layout.done);
      if (done === sequence) return;
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      Atomics.wait(this.control, layout.done, done, remaining);
    }
    const state = stateNames[Atomics.load(this.control, layout.state)] ?? "unknown";
    this.broken =
      `WASM GEMM worker did not finish request ${sequence} within ${this.options.timeoutMs} ms ` +
      `(worker state: ${state}, last finished request: ${Atomics.load(this.control, layout.done)}, ` +
      `call: ${describe()}). The worker was stopped; the backend continues single-threaded. ` +
      "Raise the limit with MTRL_WASM_THREAD_TIMEOUT_MS if the machine is heavily loaded.";
    this.close();
    throw new KernelThreadTimeoutError(this.broken);
  }

  /** Stops the worker (asynchronously; it no longer keeps the process alive in any case). */
  close(): void {
    Atomics.store(this.control, layout.shutdown, 1);
    Atomics.store(this.control, layout.request, (this.sequence + 1) | 0);
    Atomics.notify(this.control, layout.request);
    Atomics.notify(this.control, layout.shutdown);
    void this.worker.terminate();
    this.errorPort.close();
  }
}
