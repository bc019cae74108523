// @ts-check
/**
 * The second thread of the WASM backend (see wasm-gemm-threads.ts for the protocol). It
 * instantiates the same module over the same shared memory and, on each request, runs the export
 * it is asked for on the second part of the data (a block of C for GEMM, rows or ranges for the
 * elementwise kernels) if it claims that part before the main thread does. Plain JavaScript so that it starts in a worker
 * without a TypeScript loader.
 */
import { parentPort, workerData } from "node:worker_threads";

const { module, memory, controlByteOffset, layout, idleWaitMs, spinMs, operations } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
/** The exports this thread may be asked to run, by operation number (see wasm-gemm-threads.ts). */
const functions = operations.map((/** @type {{ name: string }} */ operation) => /** @type {Function} */ (instance.exports[operation.name]));
/** @type {number[]} */
const args = [];
const control = new Int32Array(memory.buffer, controlByteOffset, layout.ints);
const floats = new Float32Array(memory.buffer, controlByteOffset, layout.ints);
const errorPort = workerData.errorPort;

let seen = Atomics.load(control, layout.request);
Atomics.store(control, layout.state, layout.stateIdle);
parentPort?.postMessage("ready");

for (;;) {
  // Spin a little before sleeping: the GEMMs of one training update come back to back, and
  // waking from Atomics.wait costs tens of microseconds.
  const spinUntil = performance.now() + spinMs;
  while (Atomics.load(control, layout.request) === seen && performance.now() < spinUntil);
  if (Atomics.load(control, layout.request) === seen) {
    // Idle is not a deadlock: the timeout only bounds how long a shutdown may go unnoticed.
    Atomics.store(control, layout.state, layout.stateSleeping);
    Atomics.wait(control, layout.request, seen, idleWaitMs);
    Atomics.store(control, layout.state, layout.stateIdle);
  }
  const request = Atomics.load(control, layout.request);
  if (request === seen) continue;
  seen = request;
  if (Atomics.load(control, layout.shutdown) !== 0) break;
  // Test hook: a paused worker takes no part, as if another process had its core.
  while (Atomics.load(control, layout.testPaused) !== 0) Atomics.wait(control, layout.testPaused, 1, idleWaitMs);
  // Claim the part; the main thread may have taken it already (then this request is not ours).
  const previous = (request - 1) | 0;
  if (Atomics.compareExchange(control, layout.claim, previous, request) !== previous) continue;
  Atomics.store(control, layout.state, layout.stateRunning);
  const p = layout.params;
  try {
    const delay = Atomics.load(control, layout.testDelayMs);
    if (delay > 0) Atomics.wait(control, layout.shutdown, 0, delay); // test hook: a stuck worker
    const operation = operations[control[layout.operation]];
    args.length = operation.arity;
    for (let index = 0; index < operation.arity; index++) {
      args[index] = (operation.floatMask >> index) & 1 ? floats[p + index] : control[p + index];
    }
    functions[control[layout.operation]](...args);
    Atomics.store(control, layout.failed, 0);
  } catch (error) {
    Atomics.store(control, layout.failed, 1);
    errorPort.postMessage(error instanceof Error ? error.stack ?? error.message : String(error));
  }
  Atomics.store(control, layout.state, layout.stateIdle);
  Atomics.store(control, layout.done, request);
  Atomics.notify(control, layout.done);
}
Atomics.store(control, layout.state, layout.stateStopped);
