import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { KernelThreadTimeoutError } from "./kernel-errors.js";
import { JsKernels } from "./js-kernels.js";
import { assertSameBits } from "../testing/backend-fixtures.js";
import { WasmKernels } from "./wasm-kernels.js";

let single: WasmKernels;
let twoThreads: WasmKernels;

before(async () => {
  single = await WasmKernels.create();
  twoThreads = await WasmKernels.create({ threads: 2 });
});

after(() => {
  single.close();
  twoThreads.close();
});

function random(view: Float32Array, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed, "wasm-kernels-test");
  for (let i = 0; i < view.length; i++) view[i] = rng.uniform(-1, 1);
  return view;
}

describe("WASM arena", () => {
  test("views stay attached and keep their data while the memory grows", () => {
    const kernels = single;
    const early = kernels.allocate(1000);
    early.fill(7);
    const before = kernels.arena.memory.buffer.byteLength;
    // Enough to force several grows past the initial 16 MiB.
    for (let i = 0; i < 5; i++) kernels.allocate(8 * 2 ** 20);
    assert.ok(kernels.arena.memory.buffer.byteLength > before, "memory should have grown");
    assert.equal(early.length, 1000);
    assert.ok(early.every((value) => value === 7));
    // Kernels still address the early view in place (no staging copies).
    const copiesBefore = kernels.foreignCopies;
    kernels.reluForward(early, early);
    assert.equal(kernels.foreignCopies, copiesBefore);
  });

  test("growInPlace lengthens only the last allocation, in place, with zeros after the old end", () => {
    const kernels = single;
    const block = kernels.allocateGrowable(100);
    block.fill(5);
    const grown = kernels.growInPlace(block, 5 * 2 ** 20);
    assert.ok(grown !== null, "the last allocation grows");
    assert.equal(grown.byteOffset, block.byteOffset);
    assert.ok(grown.subarray(0, 100).every((value) => value === 5) && block.every((value) => value === 5));
    assert.ok(grown.subarray(100).every((value) => value === 0), "the new floats are zero");
    const after = kernels.allocate(10);
    assert.ok(after.byteOffset >= grown.byteOffset + grown.byteLength, "later allocations start past the grown block");
    assert.equal(kernels.growInPlace(grown, 6 * 2 ** 20), null, "no longer the last allocation");
    assert.equal(kernels.growInPlace(after, 5), null, "shorter than the block");
    assert.equal(kernels.growInPlace(new Float32Array(10), 20), null, "not in this memory");
  });

  test("allocate returns zeroed, 64-byte aligned, non-overlapping views", () => {
    const first = single.allocate(3);
    const second = single.allocate(5);
    assert.deepEqual([...first, ...second], [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(first.byteOffset % 64, 0);
    assert.equal(second.byteOffset % 64, 0);
    assert.ok(second.byteOffset >= first.byteOffset + 12);
  });

  test("views not in its memory work through a counted copy in and out", () => {
    const kernels = single;
    const reference = new JsKernels();
    const a = random(new Float32Array(6 * 5), 1);
    const b = random(new Float32Array(5 * 4), 2);
    const expected = new Float32Array(6 * 4);
    reference.gemm(false, false, 6, 4, 5, 1, a, 5, b, 4, 0, expected, 4);
    const c = new Float32Array(6 * 4).fill(Number.NaN);
    const copiesBefore = kernels.foreignCopies;
    kernels.gemm(false, false, 6, 4, 5, 1, a, 5, b, 4, 0, c, 4);
    assert.equal(kernels.foreignCopies - copiesBefore, 3);
    for (let i = 0; i < c.length; i++) assert.ok(Math.abs(c[i]! - expected[i]!) < 1e-5);
    // In place on a foreign array: x and out alias, the result lands in x.
    const x = new Float32Array([-1, 2, -3, 4, 5]);
    kernels.reluForward(x, x);
    assert.deepEqual([...x], [0, 2, 0, 4, 5]);
  });
});

describe("WASM GEMM on two threads", () => {
  test("is bit-identical to one thread for every split direction and transpose", () => {
    // m >= n splits rows, m < n splits columns; sizes are not multiples of the micro-tile; the
    // last three take the vector paths (n = 1, m = 1, k = 1).
    for (const [m, n, k] of [[301, 200, 257], [90, 611, 130], [1280, 400, 400], [2000, 1, 1200], [1, 2000, 1200], [2000, 1100, 1]] as const) {
      for (const [transA, transB] of [[false, false], [true, true], [false, true], [true, false]] as const) {
        const lda = transA ? m : k, ldb = transB ? k : n;
        const outputs = [single, twoThreads].map((kernels) => {
          const a = random(kernels.allocate(m * k), 3), b = random(kernels.allocate(k * n), 4);
          const c = random(kernels.allocate(m * n), 5);
          kernels.gemm(transA, transB, m, n, k, 0.5, a, lda, b, ldb, 0.25, c, n);
          return c;
        });
        assert.equal(twoThreads.threads, 2);
        assert.ok(
          Buffer.from(outputs[0]!.buffer, outputs[0]!.byteOffset, outputs[0]!.byteLength)
            .equals(Buffer.from(outputs[1]!.buffer, outputs[1]!.byteOffset, outputs[1]!.byteLength)),
          `m=${m} n=${n} k=${k} transA=${transA} transB=${transB}: two threads differ from one`,
        );
      }
    }
  });

  test("elementwise kernels split across the two threads are bit-identical to one thread", () => {
    const same = (a: Float32Array, b: Float32Array, what: string): void =>
      assert.ok(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), what);
    const [rows, cols, length] = [1283, 401, 200_003];
    const results = [single, twoThreads].map((kernels) => {
      const x = random(kernels.allocate(rows * cols), 11), bias = random(kernels.allocate(cols), 12);
      const y = kernels.allocate(rows * cols), z = kernels.allocate(rows * cols);
      kernels.addBiasRelu(x, bias, rows, cols, y);
      kernels.addBiasRows(x, bias, rows, cols, z);
      const grad = random(kernels.allocate(rows * cols), 13);
      kernels.reluBackward(y, grad, grad);
      const param = random(kernels.allocate(length), 14), g = random(kernels.allocate(length), 15);
      const m = kernels.allocate(length), v = kernels.allocate(length);
      kernels.adamUpdate(param, g, m, v, 1e-3, 0.9, 0.999, 1e-8, 0.01, 3);
      const target = random(kernels.allocate(length), 16);
      kernels.polyakUpdate(target, param, 0.005);
      return { y, z, grad, param, m, v, target };
    });
    for (const key of ["y", "z", "grad", "param", "m", "v", "target"] as const) same(results[0]![key], results[1]![key], key);
  });

  test("group mixing split across the two threads is bit-identical to one thread", () => {
    const same = (a: Float32Array, b: Float32Array, what: string): void =>
      assert.ok(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), what);
    for (const [groupsOut, groupsIn, rows, features] of [[4, 4, 1280, 128], [3, 5, 301, 67]] as const) {
      const results = [single, twoThreads].map((kernels) => {
        const w = random(kernels.allocate(rows * groupsOut * groupsIn), 21), y = random(kernels.allocate(groupsIn * rows * features), 22);
        const out = random(kernels.allocate(groupsOut * rows * features), 23);
        kernels.mixRows(false, groupsOut, groupsIn, rows, features, w, y, 0.5, out);
        const dy = kernels.allocate(groupsIn * rows * features);
        kernels.mixRows(true, groupsOut, groupsIn, rows, features, w, out, 0, dy);
        const dw = random(kernels.allocate(rows * groupsOut * groupsIn), 24);
        kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, out, y, 1, dw);
        return { out, dy, dw };
      });
      for (const key of ["out", "dy", "dw"] as const) same(results[0]![key], results[1]![key], `${key} at ${groupsOut}x${groupsIn}x${rows}x${features}`);
    }
  });

  test("FiLM split across the two threads (by rows, and the backward with a row index by tasks) is bit-identical to one thread", () => {
    const same = (a: Float32Array, b: Float32Array, what: string): void =>
      assert.ok(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), what);
    for (const [rows, features, gammaRows, width, offset, indexed] of [[1280, 400, 10, 2400, 800, true], [1280, 400, 1280, 800, 0, false], [1001, 67, 3, 140, 3, true], [1001, 67, 1, 134, 0, true]] as const) {
      const results = [single, twoThreads].map((kernels) => {
        const x = random(kernels.allocate(rows * features), 31), gammaBeta = random(kernels.allocate(gammaRows * width), 32);
        const rng = Rng.fromSeed(33, "film-index");
        const rowIndex = indexed ? Int32Array.from({ length: rows }, () => rng.integers(0, gammaRows)) : null;
        const out = kernels.allocate(rows * features);
        kernels.filmForward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, rowIndex, out);
        const gradOut = random(kernels.allocate(rows * features), 34);
        const gradX = random(kernels.allocate(rows * features), 35), gradGammaBeta = random(kernels.allocate(gammaRows * width), 36);
        kernels.filmBackward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, rowIndex, out, gradOut, 1, gradX, 1, gradGammaBeta);
        return { out, gradX, gradGammaBeta };
      });
      for (const key of ["out", "gradX", "gradGammaBeta"] as const) same(results[0]![key], results[1]![key], `${key} at ${rows}x${features}, gammaBeta ${gammaRows}x${width}, row index ${indexed}`);
    }
  });

  test("a worker that is not running takes no part: the main thread computes both, the same bits, without waiting", async () => {
    // With a 200 ms timeout, waiting for the paused worker would throw KernelThreadTimeoutError.
    const kernels = await WasmKernels.create({ threads: 2, threadTimeoutMs: 200 });
    try {
      const run = (backend: WasmKernels): Float32Array[] => {
        const m = 512, n = 400, k = 400;
        const a = random(backend.allocate(m * k), 40), b = random(backend.allocate(k * n), 41);
        const c = backend.allocate(m * n);
        backend.gemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n);
        const bias = random(backend.allocate(n), 42);
        const y = backend.allocate(m * n);
        backend.addBiasRelu(c, bias, m, n, y);
        return [c, y];
      };
      kernels.workerThread!.setTestPaused(true);
      let paused: Float32Array[];
      try {
        paused = run(kernels);
      } finally {
        kernels.workerThread!.setTestPaused(false);
      }
      assert.equal(kernels.threads, 2, "the worker was not given up on");
      const oneThread = run(single);
      assertSameBits(oneThread, paused, (i) => `output ${i} (worker paused)`);
      // And the worker takes its parts again once it runs.
      assertSameBits(oneThread, run(kernels), (i) => `output ${i} (worker running again)`);
    } finally {
      kernels.close();
    }
  });

  test("a stuck worker makes the GEMM throw with diagnostics within the timeout, then runs single-threaded", async () => {
    const kernels = await WasmKernels.create({ threads: 2, threadTimeoutMs: 200 });
    try {
      kernels.workerThread?.setTestDelay(5_000);
      const m = 256, n = 256, k = 256;
      const a = random(kernels.allocate(m * k), 6), b = random(kernels.allocate(k * n), 7);
      const c = kernels.allocate(m * n);
      const start = performance.now();
      assert.throws(
        () => kernels.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n),
        (error: unknown) =>
          error instanceof KernelThreadTimeoutError &&
          /within 200 ms/.test(error.message) &&
          /worker state: running/.test(error.message) &&
          /m=256, n=256, k=256/.test(error.message),
      );
      assert.ok(performance.now() - start < 2_000, "the timeout must bound the wait");
      assert.equal(kernels.threads, 1);
      // Still usable, on one thread, with correct results.
      kernels.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
      const expected = new Float32Array(m * n);
      new JsKernels().gemm(false, false, m, n, k, 1, a, k, b, n, 0, expected, n);
      for (let i = 0; i < c.length; i++) assert.ok(Math.abs(c[i]! - expected[i]!) < 1e-4);
    } finally {
      kernels.close();
    }
  });
});
