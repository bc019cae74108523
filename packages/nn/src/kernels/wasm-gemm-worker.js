// @ts-check
/**
 * The second GEMM thread of the WASM backend (see wasm-gemm-threads.ts for the protocol). It
 * instantiates the same module over the same shared memory and, on each request, computes the
 * part of C that the main thread assigned to it. Plain JavaScript so that it starts in a worker
 * without a TypeScript loader.
 */
import { parentPort, workerData } from "node:worker_threads";

const { module, memory, controlByteOffset, layout, idleWaitMs, spinMs } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const gemm = /** @type {Function} */ (instance.exports["gemm"]);
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
  // Idle is not a deadlock: the timeout only bounds how long a shutdown may go unnoticed.
  if (Atomics.load(control, layout.request) === seen) Atomics.wait(control, layout.request, seen, idleWaitMs);
  const request = Atomics.load(control, layout.request);
  if (request === seen) continue;
  seen = request;
  if (Atomics.load(control, layout.shutdown) !== 0) break;
  Atomics.store(control, layout.state, layout.stateRunning);
  const p = layout.params;
  try {
    const delay = Atomics.load(control, layout.testDelayMs);
    if (delay > 0) Atomics.wait(control, layout.shutdown, 0, delay); // test hook: a stuck worker
    gemm(
      control[p + 0], control[p + 1], control[p + 2], control[p + 3], control[p + 4], floats[p + 5],
      control[p + 6], control[p + 7], control[p + 8], control[p + 9], floats[p + 10], control[p + 11],
      control[p + 12], control[p + 13],
    );
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
