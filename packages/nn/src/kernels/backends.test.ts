/**
 * Every fast backend present on this machine against the JsKernels reference: GEMM on random
 * shapes (odd sizes, every transpose combination, padded strides, sizes that cross the WASM
 * blocking boundaries), beta = 0 over NaN, alpha/beta accumulation, and the elementwise kernels.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { KernelArgumentError } from "./kernel-errors.js";
import type { Kernels } from "./kernels.js";
import { NativeKernels } from "./native-kernels.js";
import { assertSameBits, copyInto, filled, reference, testedBackends } from "../testing/backend-fixtures.js";

const backends = testedBackends();

interface GemmCase {
  transA: boolean; transB: boolean; m: number; n: number; k: number;
  alpha: number; beta: number; pad: number;
}

/** Runs one GEMM on `kernels` and the reference with the same inputs and compares elementwise. */
function checkGemm(kernels: Kernels, label: string, spec: GemmCase, rng: Rng): void {
  const { transA, transB, m, n, k, alpha, beta, pad } = spec;
  const lda = (transA ? m : k) + pad;
  const ldb = (transB ? k : n) + pad;
  const ldc = n + pad;
  const a = filled(reference, (transA ? k : m) * lda, rng);
  const b = filled(reference, (transB ? n : k) * ldb, rng);
  const c = filled(reference, m * ldc, rng);
  if (beta === 0) c.fill(Number.NaN); // beta = 0 must ignore C entirely
  const expected = Float32Array.from(c);
  reference.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
  const actual = copyInto(kernels, c);
  kernels.gemm(transA, transB, m, n, k, alpha, copyInto(kernels, a), lda, copyInto(kernels, b), ldb, beta, actual, ldc);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      // Float32 rounding grows with the reduction length and the magnitudes summed.
      let magnitude = beta === 0 ? 0 : Math.abs(beta * c[i * ldc + j]!);
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * lda + i]! : a[i * lda + p]!;
        const bpj = transB ? b[j * ldb + p]! : b[p * ldb + j]!;
        magnitude += Math.abs(alpha * aip * bpj);
      }
      const got = actual[i * ldc + j]!;
      const want = expected[i * ldc + j]!;
      const tolerance = 2e-6 * (magnitude + 1) * Math.sqrt(k + 1);
      if (!(Math.abs(got - want) <= tolerance)) {
        assert.fail(`${label} gemm ${JSON.stringify(spec)}: C[${i},${j}] = ${got}, reference ${want} (tolerance ${tolerance})`);
      }
    }
    // Padding columns between rows of C are not part of the output and must be untouched.
    for (let j = n; j < ldc && i < m - 1; j++) {
      assert.ok(Object.is(actual[i * ldc + j], c[i * ldc + j]), `${label}: wrote into C's row padding at [${i},${j}]`);
    }
  }
}

const oddSizes = [1, 3, 4, 8, 17, 33, 129];
const flagPairs: Array<[boolean, boolean]> = [[false, false], [false, true], [true, false], [true, true]];

/** Element by element with Object.is (so -0 and NaN count), failing at the first difference. */
function assertSameBitsArray(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}: element ${i} is ${actual[i]}, the reference ${expected[i]}`);
  }
}

describe("gemm matches the js reference", () => {
  test("all transpose flags on odd sizes 1, 3, 17, 129 with beta = 0 over NaN", () => {
    const rng = Rng.fromSeed(1, "gemm-odd");
    for (const { label, kernels } of backends) {
      for (const [transA, transB] of flagPairs) {
        for (let trial = 0; trial < 10; trial++) {
          const m = oddSizes[rng.integers(0, oddSizes.length)]!;
          const n = oddSizes[rng.integers(0, oddSizes.length)]!;
          const k = oddSizes[rng.integers(0, oddSizes.length)]!;
          checkGemm(kernels, label, { transA, transB, m, n, k, alpha: 1, beta: 0, pad: 0 }, rng);
        }
      }
    }
  });

  test("alpha/beta accumulate, padded strides (ld > columns)", () => {
    const rng = Rng.fromSeed(2, "gemm-accumulate");
    for (const { label, kernels } of backends) {
      for (const [transA, transB] of flagPairs) {
        for (const [alpha, beta] of [[1, 1], [0.5, -2], [-1.5, 0.25], [0, 1]] as const) {
          const m = rng.integers(1, 40), n = rng.integers(1, 40), k = rng.integers(1, 40);
          checkGemm(kernels, label, { transA, transB, m, n, k, alpha, beta, pad: 3 }, rng);
        }
      }
    }
  });

  test("shapes that cross the blocking boundaries (m > 128, n > 512, k > 512)", () => {
    const rng = Rng.fromSeed(3, "gemm-blocks");
    for (const { label, kernels } of backends) {
      checkGemm(kernels, label, { transA: false, transB: false, m: 131, n: 9, k: 600, alpha: 1, beta: 0.5, pad: 0 }, rng);
      checkGemm(kernels, label, { transA: true, transB: true, m: 5, n: 520, k: 7, alpha: 1, beta: 0, pad: 1 }, rng);
      checkGemm(kernels, label, { transA: false, transB: true, m: 130, n: 130, k: 513, alpha: 2, beta: 1, pad: 0 }, rng);
    }
  });

  test("vector shapes (n = 1, m = 1, k = 1: an MLP's scalar output layer) in all transposes, with beta and padding", () => {
    const rng = Rng.fromSeed(7, "gemm-vectors");
    const shapes: Array<[number, number, number]> = [[37, 1, 53], [130, 1, 400], [1, 45, 37], [1, 400, 130], [37, 45, 1], [1, 1, 40], [3, 1, 1]];
    for (const { label, kernels } of backends) {
      for (const [transA, transB] of flagPairs) {
        for (const [m, n, k] of shapes) {
          for (const [beta, pad] of [[0, 0], [0.5, 2], [1, 1]] as const) {
            checkGemm(kernels, label, { transA, transB, m, n, k, alpha: 1.5, beta, pad }, rng);
          }
        }
      }
    }
  });

  test("the MTSAC shapes 128x400x400 in all transposes", () => {
    const rng = Rng.fromSeed(4, "gemm-sac");
    for (const { label, kernels } of backends) {
      for (const [transA, transB] of flagPairs) {
        checkGemm(kernels, label, { transA, transB, m: 128, n: 400, k: 400, alpha: 1, beta: 0, pad: 0 }, rng);
      }
    }
  });

  test("empty reductions (k = 0) give beta * C, and exact zeros for beta = 0", () => {
    for (const { label, kernels } of backends) {
      const c = kernels.allocate(6);
      c.fill(Number.NaN);
      kernels.gemm(false, false, 2, 3, 0, 1, kernels.allocate(0), 1, kernels.allocate(0), 3, 0, c, 3);
      assert.deepEqual([...c], [0, 0, 0, 0, 0, 0], label);
      c.fill(2);
      kernels.gemm(true, true, 2, 3, 0, 1, kernels.allocate(0), 2, kernels.allocate(0), 1, 0.5, c, 3);
      assert.deepEqual([...c], [1, 1, 1, 1, 1, 1], label);
    }
  });

  test("the same inputs always give bit-identical outputs", () => {
    const rng = Rng.fromSeed(5, "gemm-determinism");
    for (const { label, kernels } of backends) {
      const a = filled(kernels, 200 * 300, rng), b = filled(kernels, 300 * 150, rng);
      const first = kernels.allocate(200 * 150), second = kernels.allocate(200 * 150);
      kernels.gemm(false, true, 200, 150, 300, 1, a, 300, b, 300, 0, first, 150);
      kernels.gemm(false, true, 200, 150, 300, 1, a, 300, b, 300, 0, second, 150);
      assert.deepEqual(second, first, label);
    }
  });

  test("strides or arrays too small for the shape are rejected, not read out of bounds", () => {
    for (const { label, kernels } of backends) {
      const a = kernels.allocate(16), b = kernels.allocate(12), c = kernels.allocate(9);
      assert.throws(() => kernels.gemm(false, false, 3, 3, 4, 1, a, 3, b, 3, 0, c, 3), KernelArgumentError, label);
      assert.throws(() => kernels.gemm(false, false, 4, 3, 4, 1, a, 4, b, 3, 0, c, 3), /C holds 9 floats/, label);
    }
  });
});

describe("native threads", () => {
  // With the old fixed assignment of parts to threads, a paused worker hung every split kernel:
  // the timeout makes that a failure instead of a hang.
  test("1 and 2 threads, and 2 with the worker not running, give the same bits on the SAC shapes, vector shapes and elementwise kernels", { timeout: 120_000 }, (t) => {
    const native = backends.find((backend) => backend.label === "native")?.kernels as NativeKernels | undefined;
    if (native === undefined) {
      t.skip("native backend not available here");
      return;
    }
    const threadsBefore = native.blasInfo().threads;
    if (threadsBefore < 0) {
      t.skip("this BLAS threads its GEMMs itself");
      return;
    }
    const run = (threads: number): Float32Array[] => {
      NativeKernels.load({ blasThreads: threads });
      const rngForInputs = Rng.fromSeed(9, "native-thread-inputs");
      const outputs: Float32Array[] = [];
      const shapes: Array<[boolean, boolean, number, number, number]> = [
        [false, true, 1280, 400, 400], [false, false, 1280, 400, 400], [true, false, 400, 400, 1280],
        [false, true, 128, 400, 49], [true, false, 400, 53, 1280], [false, false, 1280, 4, 400], [true, false, 8, 400, 1280],
        [false, true, 1280, 1, 400], [true, false, 1, 400, 1280], [false, false, 1280, 400, 1], [false, true, 300, 37, 203],
      ];
      for (const [transA, transB, m, n, k] of shapes) {
        const a = filled(native, m * k, rngForInputs), b = filled(native, k * n, rngForInputs);
        const c = filled(native, m * n, rngForInputs);
        native.gemm(transA, transB, m, n, k, 1, a, transA ? m : k, b, transB ? k : n, 0.5, c, n);
        outputs.push(c);
      }
      const [rows, cols] = [1280, 400];
      const x = filled(native, rows * cols, rngForInputs), bias = filled(native, cols, rngForInputs);
      const y = native.allocate(rows * cols);
      native.addBiasRelu(x, bias, rows, cols, y);
      const sums = native.allocate(cols);
      native.sumRows(x, rows, cols, 0, sums);
      const param = filled(native, 100_003, rngForInputs), grad = filled(native, 100_003, rngForInputs);
      const m1 = native.allocate(100_003), v1 = native.allocate(100_003);
      native.adamUpdate(param, grad, m1, v1, 1e-3, 0.9, 0.999, 1e-8, 0, 1);
      outputs.push(y, sums, param, m1, v1);
      return outputs;
    };
    try {
      const one = run(1);
      assertSameBits(one, run(2), (i) => `output ${i}`);
      // A worker that is not running (another process has its core) takes no part: the caller
      // computes every part itself instead of waiting for it.
      native.setTestWorkersPaused(true);
      let paused: Float32Array[];
      try {
        paused = run(2);
      } finally {
        native.setTestWorkersPaused(false);
      }
      assertSameBits(one, paused, (i) => `output ${i} (2 threads, worker paused)`);
    } finally {
      NativeKernels.load({ blasThreads: threadsBefore });
    }
  });
});

describe("elementwise kernels match the js reference", () => {
  const rng = Rng.fromSeed(6, "elementwise");
  const lengths = [1, 3, 17, 129, 1000];

  function compare(label: string, name: string, actual: Float32Array, expected: Float32Array, relative = 0): void {
    for (let i = 0; i < expected.length; i++) {
      const tolerance = relative * (Math.abs(expected[i]!) + 1);
      if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) {
        assert.fail(`${label} ${name}[${i}] = ${actual[i]}, reference ${expected[i]}`);
      }
    }
  }

  test("addBiasRows, also in place", () => {
    for (const { label, kernels } of backends) {
      for (const cols of lengths) {
        const rows = 3;
        const x = filled(reference, rows * cols, rng), bias = filled(reference, cols, rng);
        const expected = new Float32Array(rows * cols);
        reference.addBiasRows(x, bias, rows, cols, expected);
        const inPlace = copyInto(kernels, x);
        kernels.addBiasRows(inPlace, copyInto(kernels, bias), rows, cols, inPlace);
        compare(label, "addBiasRows", inPlace, expected);
      }
    }
  });

  test("reluForward and reluBackward, including NaN and -0", () => {
    for (const { label, kernels } of backends) {
      for (const length of lengths) {
        const x = filled(reference, length, rng);
        x[0] = Number.NaN;
        if (length > 1) x[1] = -0;
        const expected = new Float32Array(length);
        reference.reluForward(x, expected);
        const y = kernels.allocate(length);
        kernels.reluForward(copyInto(kernels, x), y);
        assert.deepEqual(y, expected, `${label} reluForward`);
        const gradOut = filled(reference, length, rng);
        const expectedGrad = new Float32Array(length);
        reference.reluBackward(expected, gradOut, expectedGrad);
        const grad = copyInto(kernels, gradOut);
        kernels.reluBackward(y, grad, grad);
        assert.deepEqual(grad, expectedGrad, `${label} reluBackward`);
      }
    }
  });

  test("affine gives the reference's bits (float64 arithmetic, one rounding), also in place, on pixel values and on wide ranges", () => {
    for (const { label, kernels } of backends) {
      for (const length of [...lengths, 100_003]) {
        const x = filled(reference, length, rng);
        for (let i = 0; i < length; i += 3) x[i] = (i * 37) % 256; // pixel values, as the pixel encoder scales them
        if (length > 1) x[1] = -0;
        for (const [factor, offset] of [[1 / 255, 0], [-3.7, 0.1], [1e-30, 1e30]] as const) {
          const expected = new Float32Array(length);
          reference.affine(x, factor, offset, expected);
          const out = kernels.allocate(length).fill(Number.NaN);
          kernels.affine(copyInto(kernels, x), factor, offset, out);
          assertSameBitsArray(out, expected, `${label} affine(${factor}, ${offset}) length ${length}`);
          const inPlace = copyInto(kernels, x);
          kernels.affine(inPlace, factor, offset, inPlace);
          assertSameBitsArray(inPlace, expected, `${label} affine in place`);
        }
      }
    }
  });

  test("sumRows with beta 0 (over NaN), 1 and 0.5", () => {
    for (const { label, kernels } of backends) {
      for (const cols of lengths) {
        for (const beta of [0, 1, 0.5]) {
          const rows = 33;
          const x = filled(reference, rows * cols, rng);
          const start = filled(reference, cols, rng);
          if (beta === 0) start.fill(Number.NaN);
          const expected = Float32Array.from(start);
          reference.sumRows(x, rows, cols, beta, expected);
          const out = copyInto(kernels, start);
          kernels.sumRows(copyInto(kernels, x), rows, cols, beta, out);
          compare(label, `sumRows(beta=${beta})`, out, expected, 1e-5);
        }
      }
    }
  });

  test("addBiasRelu equals addBiasRows + reluForward of the reference, also in place, NaN and -0", () => {
    for (const { label, kernels } of backends) {
      for (const cols of lengths) {
        for (const rows of [1, 3, 17]) {
          const x = filled(reference, rows * cols, rng), bias = filled(reference, cols, rng);
          x[0] = Number.NaN;
          if (cols > 1) {
            x[1] = 0.25;
            bias[1] = -0.25; // sums to +0 exactly
          }
          const expected = new Float32Array(rows * cols);
          reference.addBiasRows(x, bias, rows, cols, expected);
          reference.reluForward(expected, expected);
          const fusedReference = new Float32Array(rows * cols);
          reference.addBiasRelu(x, bias, rows, cols, fusedReference);
          assert.deepEqual(fusedReference, expected, "js addBiasRelu");
          const inPlace = copyInto(kernels, x);
          kernels.addBiasRelu(inPlace, copyInto(kernels, bias), rows, cols, inPlace);
          assert.deepEqual(inPlace, expected, `${label} addBiasRelu ${rows}x${cols}`);
        }
      }
    }
  });

  test("reluBackwardSumRows equals reluBackward + sumRows, in place, beta 0 (over NaN), 1 and 0.5", () => {
    for (const { label, kernels } of backends) {
      for (const cols of [1, 3, 17, 33, 129, 400]) {
        for (const beta of [0, 1, 0.5]) {
          const rows = [1, 5, 37][(cols + beta * 2) % 3]!;
          const y = filled(reference, rows * cols, rng);
          reference.reluForward(y, y);
          if (cols > 1) y[1] = -0;
          const gradOut = filled(reference, rows * cols, rng);
          const start = filled(reference, cols, rng);
          if (beta === 0) start.fill(Number.NaN);
          const expectedGrad = new Float32Array(rows * cols);
          reference.reluBackward(y, gradOut, expectedGrad);
          const expectedBias = Float32Array.from(start);
          reference.sumRows(expectedGrad, rows, cols, beta, expectedBias);
          const fusedGrad = Float32Array.from(gradOut);
          const fusedBias = Float32Array.from(start);
          reference.reluBackwardSumRows(y, fusedGrad, rows, cols, fusedGrad, beta, fusedBias);
          assert.deepEqual(fusedGrad, expectedGrad, "js reluBackwardSumRows grad");
          assert.deepEqual(fusedBias, expectedBias, "js reluBackwardSumRows bias");
          const grad = copyInto(kernels, gradOut);
          const bias = copyInto(kernels, start);
          kernels.reluBackwardSumRows(copyInto(kernels, y), grad, rows, cols, grad, beta, bias);
          assert.deepEqual(grad, expectedGrad, `${label} reluBackwardSumRows grad ${rows}x${cols}`);
          compare(label, `reluBackwardSumRows bias (beta=${beta}, ${rows}x${cols})`, bias, expectedBias, 1e-5);
          // Not in place, from plain arrays (staged copies on wasm).
          const separate = new Float32Array(rows * cols);
          const plainBias = Float32Array.from(start);
          kernels.reluBackwardSumRows(y, gradOut, rows, cols, separate, beta, plainBias);
          assert.deepEqual(separate, expectedGrad, `${label} reluBackwardSumRows out of place`);
          compare(label, "reluBackwardSumRows bias out of place", plainBias, expectedBias, 1e-5);
        }
      }
    }
  });

  test("the fused kernels give the same bits as their parts on each backend", () => {
    for (const { label, kernels } of backends) {
      const rows = 37, cols = 403;
      const x = filled(kernels, rows * cols, rng), bias = filled(kernels, cols, rng);
      const parts = kernels.allocate(rows * cols), fused = kernels.allocate(rows * cols);
      kernels.addBiasRows(x, bias, rows, cols, parts);
      kernels.reluForward(parts, parts);
      kernels.addBiasRelu(x, bias, rows, cols, fused);
      assert.deepEqual(fused, parts, `${label} addBiasRelu`);
      const gradOut = filled(kernels, rows * cols, rng);
      const partsGrad = kernels.allocate(rows * cols), fusedGrad = kernels.allocate(rows * cols);
      const partsBias = kernels.allocate(cols), fusedBias = kernels.allocate(cols);
      kernels.reluBackward(fused, gradOut, partsGrad);
      kernels.sumRows(partsGrad, rows, cols, 0, partsBias);
      kernels.reluBackwardSumRows(fused, gradOut, rows, cols, fusedGrad, 0, fusedBias);
      assert.deepEqual(fusedGrad, partsGrad, `${label} reluBackwardSumRows grad`);
      assert.deepEqual(fusedBias, partsBias, `${label} reluBackwardSumRows bias`);
    }
  });

  test("adamUpdate over several steps, with and without weight decay", () => {
    for (const { label, kernels } of backends) {
      for (const weightDecay of [0, 0.01]) {
        const length = 129;
        const param = filled(reference, length, rng);
        const [p, m, v] = [Float32Array.from(param), new Float32Array(length), new Float32Array(length)];
        const [pk, mk, vk] = [copyInto(kernels, param), kernels.allocate(length), kernels.allocate(length)];
        for (let step = 1; step <= 5; step++) {
          const grad = filled(reference, length, rng);
          reference.adamUpdate(p, grad, m, v, 3e-4, 0.9, 0.999, 1e-8, weightDecay, step);
          kernels.adamUpdate(pk, copyInto(kernels, grad), mk, vk, 3e-4, 0.9, 0.999, 1e-8, weightDecay, step);
        }
        compare(label, "adam param", pk, p, 1e-5);
        compare(label, "adam m", mk, m, 1e-5);
        compare(label, "adam v", vk, v, 1e-5);
      }
    }
  });

  test("polyakUpdate", () => {
    for (const { label, kernels } of backends) {
      for (const length of [...lengths, 4099]) {
        const target = filled(reference, length, rng), source = filled(reference, length, rng);
        const expected = Float32Array.from(target);
        reference.polyakUpdate(expected, source, 0.005);
        const actual = copyInto(kernels, target);
        kernels.polyakUpdate(actual, copyInto(kernels, source), 0.005);
        compare(label, "polyakUpdate", actual, expected, 1e-6);
      }
    }
  });
});

