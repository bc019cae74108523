/**
 * Every fast backend present on this machine against the JsKernels reference: GEMM on random
 * shapes (odd sizes, every transpose combination, padded strides, sizes that cross the WASM
 * blocking boundaries), beta = 0 over NaN, alpha/beta accumulation, and the elementwise kernels.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { KernelArgumentError } from "./kernel-errors.js";
import { JsKernels } from "./js-kernels.js";
import type { Kernels } from "./kernels.js";
import { NativeKernels } from "./native-kernels.js";
import { WasmKernels } from "./wasm-kernels.js";

const reference = new JsKernels();
const backends: Array<{ label: string; kernels: Kernels; close?: () => void }> = [];

before(async () => {
  const wasm = await WasmKernels.create();
  const wasmThreads = await WasmKernels.create({ threads: 2 });
  backends.push({ label: "wasm", kernels: wasm }, { label: "wasm-2-threads", kernels: wasmThreads, close: () => wasmThreads.close() });
  try {
    backends.push({ label: "native", kernels: NativeKernels.load() });
  } catch (error) {
    // Optional by design; the report names why so a missing BLAS in CI is visible.
    console.log(`native backend not tested: ${(error as Error).message}`);
  }
});

after(() => {
  for (const backend of backends) backend.close?.();
});

function filled(kernels: Kernels, length: number, rng: Rng): Float32Array {
  const view = kernels.allocate(length);
  for (let i = 0; i < length; i++) view[i] = rng.uniform(-1, 1);
  return view;
}

function copyInto(kernels: Kernels, source: Float32Array): Float32Array {
  const view = kernels.allocate(source.length);
  view.set(source);
  return view;
}

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
  test("1 and 2 threads give the same bits on the SAC shapes, vector shapes and elementwise kernels", (t) => {
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
      const two = run(2);
      one.forEach((values, i) => assert.ok(Buffer.from(values.buffer, values.byteOffset, values.byteLength)
        .equals(Buffer.from(two[i]!.buffer, two[i]!.byteOffset, two[i]!.byteLength)), `output ${i} differs between 1 and 2 threads`));
    } finally {
      NativeKernels.load({ blasThreads: threadsBefore });
    }
  });
});

describe("native group mixing on threads", () => {
  test("1 and 2 threads give the same bits for mixRows (both directions) and mixRowsWeightGrad", (t) => {
    const native = backends.find((backend) => backend.label === "native")?.kernels as NativeKernels | undefined;
    if (native === undefined) {
      t.skip("native backend not available here");
      return;
    }
    const threadsBefore = native.blasInfo().threads;
    // Soft modularization's shape at batch 1280 and an odd one (rows split off the 16-row blocks'
    // end, features with a vector tail); both are large enough to be split.
    const shapes = [[4, 4, 1280, 128], [3, 5, 301, 67]] as const;
    const run = (threads: number): Float32Array[] => {
      const kernels = NativeKernels.load({ blasThreads: threads });
      const rngForInputs = Rng.fromSeed(11, "native-mix-thread-inputs");
      const outputs: Float32Array[] = [];
      for (const [groupsOut, groupsIn, rows, features] of shapes) {
        const w = filled(kernels, rows * groupsOut * groupsIn, rngForInputs);
        const y = filled(kernels, groupsIn * rows * features, rngForInputs);
        const mixed = filled(kernels, groupsOut * rows * features, rngForInputs);
        kernels.mixRows(false, groupsOut, groupsIn, rows, features, w, y, 0.5, mixed);
        const dy = kernels.allocate(groupsIn * rows * features);
        kernels.mixRows(true, groupsOut, groupsIn, rows, features, w, mixed, 0, dy);
        const dw = filled(kernels, rows * groupsOut * groupsIn, rngForInputs);
        kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, mixed, y, 1, dw);
        outputs.push(mixed, dy, dw);
      }
      return outputs;
    };
    try {
      const one = run(1);
      const two = run(2);
      one.forEach((values, i) => assert.ok(Buffer.from(values.buffer, values.byteOffset, values.byteLength)
        .equals(Buffer.from(two[i]!.buffer, two[i]!.byteOffset, two[i]!.byteLength)),
      `${["mixRows", "mixRows transW", "mixRowsWeightGrad"][i % 3]} at ${shapes[Math.floor(i / 3)]!.join("x")} differs between 1 and 2 threads`));
    } finally {
      NativeKernels.load({ blasThreads: Math.max(1, threadsBefore) });
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

describe("per-row group mixing (mixRows, mixRowsWeightGrad) matches the js reference", () => {
  interface MixCase { groupsOut: number; groupsIn: number; rows: number; features: number }
  // Odd sizes (vector tails of 1-3 floats, one-group and one-feature edges), soft modularization's
  // 4x4x128, the MoE combine (groupsOut = 1), and sizes that split across threads (rows not a
  // multiple of the 16-row blocks).
  const cases: MixCase[] = [
    { groupsOut: 1, groupsIn: 1, rows: 1, features: 1 },
    { groupsOut: 3, groupsIn: 5, rows: 7, features: 17 },
    { groupsOut: 5, groupsIn: 3, rows: 33, features: 3 },
    { groupsOut: 2, groupsIn: 7, rows: 9, features: 35 },
    { groupsOut: 4, groupsIn: 4, rows: 37, features: 128 },
    { groupsOut: 1, groupsIn: 4, rows: 129, features: 131 },
    { groupsOut: 4, groupsIn: 4, rows: 301, features: 128 },
    { groupsOut: 3, groupsIn: 5, rows: 257, features: 67 },
  ];
  const rng = Rng.fromSeed(10, "mix-rows");

  /** got ≈ want within float32 rounding of a `length`-term sum of terms of total size `magnitude`. */
  function close(label: string, what: string, got: Float32Array, want: Float32Array, magnitude: Float64Array, length: number): void {
    for (let i = 0; i < want.length; i++) {
      const tolerance = 2e-6 * (magnitude[i]! + 1) * Math.sqrt(length + 1);
      if (!(Math.abs(got[i]! - want[i]!) <= tolerance)) {
        assert.fail(`${label} ${what}[${i}] = ${got[i]}, reference ${want[i]} (tolerance ${tolerance})`);
      }
    }
  }

  /** Σ |terms| of every output element of mixRows (for the tolerance), plus |beta · out|. */
  function mixMagnitude(transW: boolean, { groupsOut, groupsIn, rows, features }: MixCase, w: Float32Array, y: Float32Array, beta: number, start: Float32Array): Float64Array {
    const [outGroups, sumGroups] = transW ? [groupsIn, groupsOut] : [groupsOut, groupsIn];
    const magnitude = new Float64Array(outGroups * rows * features);
    for (let i = 0; i < outGroups; i++) {
      for (let b = 0; b < rows; b++) {
        for (let h = 0; h < features; h++) {
          const at = (i * rows + b) * features + h;
          let total = beta === 0 ? 0 : Math.abs(beta * start[at]!);
          for (let j = 0; j < sumGroups; j++) {
            const weight = transW ? w[(b * groupsOut + j) * groupsIn + i]! : w[(b * groupsOut + i) * groupsIn + j]!;
            total += Math.abs(weight * y[(j * rows + b) * features + h]!);
          }
          magnitude[at] = total;
        }
      }
    }
    return magnitude;
  }

  test("mixRows forward and transposed (the input gradient), beta 0 over NaN, 1 and 0.5", () => {
    for (const { label, kernels } of backends) {
      for (const shape of cases) {
        const { groupsOut, groupsIn, rows, features } = shape;
        for (const transW of [false, true]) {
          for (const beta of [0, 1, 0.5]) {
            const [yGroups, outGroups] = transW ? [groupsOut, groupsIn] : [groupsIn, groupsOut];
            const w = filled(reference, rows * groupsOut * groupsIn, rng);
            const y = filled(reference, yGroups * rows * features, rng);
            const start = filled(reference, outGroups * rows * features, rng);
            if (beta === 0) start.fill(Number.NaN);
            const expected = Float32Array.from(start);
            reference.mixRows(transW, groupsOut, groupsIn, rows, features, w, y, beta, expected);
            const actual = copyInto(kernels, start);
            kernels.mixRows(transW, groupsOut, groupsIn, rows, features, copyInto(kernels, w), copyInto(kernels, y), beta, actual);
            const magnitude = mixMagnitude(transW, shape, w, y, beta, start);
            close(label, `mixRows(transW=${transW}, beta=${beta}, ${JSON.stringify(shape)})`, actual, expected, magnitude, transW ? groupsOut : groupsIn);
          }
        }
      }
    }
  });

  test("mixRowsWeightGrad, beta 0 over NaN, 1 and 0.5", () => {
    for (const { label, kernels } of backends) {
      for (const shape of cases) {
        const { groupsOut, groupsIn, rows, features } = shape;
        for (const beta of [0, 1, 0.5]) {
          const dOut = filled(reference, groupsOut * rows * features, rng);
          const y = filled(reference, groupsIn * rows * features, rng);
          const start = filled(reference, rows * groupsOut * groupsIn, rng);
          if (beta === 0) start.fill(Number.NaN);
          const expected = Float32Array.from(start);
          reference.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, dOut, y, beta, expected);
          const actual = copyInto(kernels, start);
          kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, copyInto(kernels, dOut), copyInto(kernels, y), beta, actual);
          const magnitude = new Float64Array(expected.length);
          for (let b = 0; b < rows; b++) {
            for (let o = 0; o < groupsOut; o++) {
              for (let g = 0; g < groupsIn; g++) {
                const at = (b * groupsOut + o) * groupsIn + g;
                let total = beta === 0 ? 0 : Math.abs(beta * start[at]!);
                for (let h = 0; h < features; h++) total += Math.abs(dOut[(o * rows + b) * features + h]! * y[(g * rows + b) * features + h]!);
                magnitude[at] = total;
              }
            }
          }
          close(label, `mixRowsWeightGrad(beta=${beta}, ${JSON.stringify(shape)})`, actual, expected, magnitude, features);
        }
      }
    }
  });

  test("the js reference is one GEMM per row: W_b · y_b, W_bᵀ · dOut_b and dOut_b · y_bᵀ", () => {
    const [groupsOut, groupsIn, rows, features] = [3, 2, 4, 5];
    const stride = rows * features;
    const w = filled(reference, rows * groupsOut * groupsIn, rng);
    const y = filled(reference, groupsIn * stride, rng), dOut = filled(reference, groupsOut * stride, rng);
    const out = new Float32Array(groupsOut * stride), dy = new Float32Array(groupsIn * stride), dw = new Float32Array(rows * groupsOut * groupsIn);
    reference.mixRows(false, groupsOut, groupsIn, rows, features, w, y, 0, out);
    reference.mixRows(true, groupsOut, groupsIn, rows, features, w, dOut, 0, dy);
    reference.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, dOut, y, 0, dw);
    const perRow = [new Float32Array(out.length), new Float32Array(dy.length), new Float32Array(dw.length)] as const;
    for (let b = 0; b < rows; b++) {
      const wb = w.subarray(b * groupsOut * groupsIn);
      reference.gemm(false, false, groupsOut, features, groupsIn, 1, wb, groupsIn, y.subarray(b * features), stride, 0, perRow[0].subarray(b * features), stride);
      reference.gemm(true, false, groupsIn, features, groupsOut, 1, wb, groupsIn, dOut.subarray(b * features), stride, 0, perRow[1].subarray(b * features), stride);
      reference.gemm(false, true, groupsOut, groupsIn, features, 1, dOut.subarray(b * features), stride, y.subarray(b * features), stride, 0, perRow[2].subarray(b * groupsOut * groupsIn), groupsIn);
    }
    for (const [name, got, want] of [["out", out, perRow[0]], ["dy", dy, perRow[1]], ["dw", dw, perRow[2]]] as const) {
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-6, `${name}[${i}] = ${got[i]}, per-row GEMM ${want[i]}`);
    }
  });

  test("plain Float32Arrays (copied in and out on wasm) give the same results as arena views", () => {
    const [groupsOut, groupsIn, rows, features] = [3, 4, 6, 9];
    for (const { label, kernels } of backends) {
      const w = filled(reference, rows * groupsOut * groupsIn, rng), y = filled(reference, groupsIn * rows * features, rng);
      const start = filled(reference, groupsOut * rows * features, rng);
      const inArena = copyInto(kernels, start), plain = Float32Array.from(start);
      kernels.mixRows(false, groupsOut, groupsIn, rows, features, copyInto(kernels, w), copyInto(kernels, y), 1, inArena);
      kernels.mixRows(false, groupsOut, groupsIn, rows, features, w, y, 1, plain);
      assert.deepEqual(plain, Float32Array.from(inArena), `${label} mixRows`);
      const dwArena = kernels.allocate(rows * groupsOut * groupsIn), dwPlain = new Float32Array(rows * groupsOut * groupsIn);
      kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, inArena, copyInto(kernels, y), 0, dwArena);
      kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, plain, y, 0, dwPlain);
      assert.deepEqual(dwPlain, Float32Array.from(dwArena), `${label} mixRowsWeightGrad`);
    }
  });

  test("empty sums give beta · out (zeros for beta 0 over NaN); no rows or no features write nothing else", () => {
    for (const { label, kernels } of backends) {
      const empty = kernels.allocate(0);
      const out = kernels.allocate(2 * 3 * 4);
      out.fill(Number.NaN);
      kernels.mixRows(false, 2, 0, 3, 4, empty, empty, 0, out); // no input groups
      assert.deepEqual([...out], new Array(24).fill(0), `${label} mixRows groupsIn = 0`);
      out.fill(2);
      kernels.mixRows(true, 0, 2, 3, 4, empty, empty, 0.5, out); // transposed, no output groups to sum over
      assert.deepEqual([...out], new Array(24).fill(1), `${label} mixRows transW groupsOut = 0`);
      const dw = kernels.allocate(3 * 2 * 2);
      dw.fill(Number.NaN);
      kernels.mixRowsWeightGrad(2, 2, 3, 0, empty, empty, 0, dw); // no features
      assert.deepEqual([...dw], new Array(12).fill(0), `${label} mixRowsWeightGrad features = 0`);
      const untouched = kernels.allocate(4);
      untouched.fill(7);
      kernels.mixRows(false, 2, 2, 0, 5, empty, empty, 0, untouched);
      kernels.mixRowsWeightGrad(2, 2, 0, 5, empty, empty, 0, untouched);
      assert.deepEqual([...untouched], [7, 7, 7, 7], `${label} rows = 0`);
    }
  });

  test("arrays too short for the shape, and sizes that are not non-negative integers, are rejected naming the argument", () => {
    for (const { label, kernels } of [{ label: "js", kernels: reference as Kernels }, ...backends]) {
      const [groupsOut, groupsIn, rows, features] = [3, 2, 4, 5];
      const w = kernels.allocate(rows * groupsOut * groupsIn);
      const y = kernels.allocate(groupsIn * rows * features), out = kernels.allocate(groupsOut * rows * features);
      const rejects = (call: () => void, message: RegExp): void =>
        assert.throws(call, (error: unknown) => error instanceof KernelArgumentError && message.test(error.message), `${label}: ${message}`);
      rejects(() => kernels.mixRows(false, groupsOut, groupsIn, rows, features, w.subarray(1), y, 0, out), /mixRows: weights must hold \[4, 3, 2\] = 24 floats, but holds 23/);
      rejects(() => kernels.mixRows(false, groupsOut, groupsIn, rows, features, w, y, 0, out.subarray(1)), /mixRows: out must hold \[3, 4, 5\] = 60 floats/);
      // Transposed, y holds groupsOut groups: the 2-group y is too short.
      rejects(() => kernels.mixRows(true, groupsOut, groupsIn, rows, features, w, y, 0, out), /mixRows: y must hold \[3, 4, 5\] = 60 floats \(transW: y holds groupsOut groups, out groupsIn\), but holds 40/);
      rejects(() => kernels.mixRows(false, groupsOut, -1, rows, features, w, y, 0, out), /groupsIn=-1/);
      rejects(() => kernels.mixRows(false, groupsOut, groupsIn, 1.5, features, w, y, 0, out), /rows=1.5/);
      rejects(() => kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, y, y, 0, w), /mixRowsWeightGrad: dOut must hold \[3, 4, 5\] = 60 floats, but holds 40/);
      rejects(() => kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, out, y, 0, w.subarray(2)), /mixRowsWeightGrad: dWeights must hold \[4, 3, 2\] = 24 floats/);
    }
  });
});

describe("FiLM (filmForward, filmBackward) matches the js reference", () => {
  interface FilmCase { rows: number; features: number; gammaRows: number; width: number; offset: number; indexed: boolean }
  // Odd features (vector tails of 1-3 floats, and fewer than one vector), columns on both sides of
  // the γ, β range, more tasks than rows, the FiLM agent's layer at B = 1280 (split across threads,
  // by tasks with a row index), and an odd split by rows without one.
  const cases: FilmCase[] = [
    { rows: 1, features: 1, gammaRows: 1, width: 2, offset: 0, indexed: false },
    { rows: 5, features: 3, gammaRows: 2, width: 9, offset: 2, indexed: true },
    { rows: 7, features: 17, gammaRows: 7, width: 40, offset: 5, indexed: false },
    { rows: 9, features: 35, gammaRows: 12, width: 71, offset: 1, indexed: true },
    { rows: 129, features: 131, gammaRows: 10, width: 262, offset: 0, indexed: true },
    { rows: 1280, features: 400, gammaRows: 10, width: 2400, offset: 800, indexed: true },
    { rows: 301, features: 67, gammaRows: 301, width: 140, offset: 3, indexed: false },
  ];
  const rng = Rng.fromSeed(12, "film");

  function indices(rows: number, gammaRows: number): Int32Array {
    const rowIndex = new Int32Array(rows);
    for (let r = 0; r < rows; r++) rowIndex[r] = rng.integers(0, gammaRows);
    return rowIndex;
  }

  /** Bit for bit: every step is one float32 operation in the same order on every backend. */
  function sameBits(what: string, got: Float32Array, want: Float32Array): void {
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}] = ${got[i]}, reference ${want[i]}`);
    }
  }

  test("forward: identity, relu and (through the reference) tanh, with and without a row index, over NaN outputs", () => {
    for (const { label, kernels } of backends) {
      for (const shape of cases) {
        const { rows, features, gammaRows, width, offset, indexed } = shape;
        const x = filled(reference, rows * features, rng), gammaBeta = filled(reference, gammaRows * width, rng);
        const rowIndex = indexed ? indices(rows, gammaRows) : null;
        for (const activation of [0, 1, 2]) {
          const expected = new Float32Array(rows * features).fill(Number.NaN);
          reference.filmForward(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, expected);
          const actual = kernels.allocate(rows * features).fill(Number.NaN);
          kernels.filmForward(rows, features, gammaRows, width, offset, activation, copyInto(kernels, x), copyInto(kernels, gammaBeta), rowIndex, actual);
          sameBits(`${label} filmForward(activation ${activation}, ${JSON.stringify(shape)}) out`, actual, expected);
        }
      }
    }
  });

  test("backward: gradX and gradGammaBeta, beta 0 over NaN, 1 and 0.5, either gradient alone", () => {
    for (const { label, kernels } of backends) {
      for (const shape of cases) {
        const { rows, features, gammaRows, width, offset, indexed } = shape;
        const length = rows * features;
        const x = filled(reference, length, rng), gammaBeta = filled(reference, gammaRows * width, rng);
        const gradOut = filled(reference, length, rng);
        const rowIndex = indexed ? indices(rows, gammaRows) : null;
        const on = { x: copyInto(kernels, x), gammaBeta: copyInto(kernels, gammaBeta), gradOut: copyInto(kernels, gradOut) };
        for (const activation of [0, 1, 2]) {
          const out = new Float32Array(length);
          reference.filmForward(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out);
          const outOn = copyInto(kernels, out);
          for (const [betaX, betaGammaBeta] of [[0, 0], [1, 1], [0.5, 0.5], [0, 1], [1, 0]] as const) {
            for (const wanted of ["both", "x", "gammaBeta"] as const) {
              const startX = filled(reference, length, rng), startGammaBeta = filled(reference, gammaRows * width, rng);
              if (betaX === 0) startX.fill(Number.NaN);
              if (betaGammaBeta === 0) startGammaBeta.fill(Number.NaN);
              const expectedX = wanted === "gammaBeta" ? null : Float32Array.from(startX);
              const expectedGammaBeta = wanted === "x" ? null : Float32Array.from(startGammaBeta);
              reference.filmBackward(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out, gradOut, betaX, expectedX, betaGammaBeta, expectedGammaBeta);
              const actualX = expectedX === null ? null : copyInto(kernels, startX);
              const actualGammaBeta = expectedGammaBeta === null ? null : copyInto(kernels, startGammaBeta);
              kernels.filmBackward(rows, features, gammaRows, width, offset, activation, on.x, on.gammaBeta, rowIndex, outOn, on.gradOut, betaX, actualX, betaGammaBeta, actualGammaBeta);
              const what = `${label} filmBackward(activation ${activation}, betaX ${betaX}, betaGammaBeta ${betaGammaBeta}, ${wanted}, ${JSON.stringify(shape)})`;
              if (expectedX !== null) sameBits(`${what} gradX`, actualX!, expectedX);
              if (expectedGammaBeta !== null) sameBits(`${what} gradGammaBeta`, actualGammaBeta!, expectedGammaBeta);
            }
          }
        }
      }
    }
  });

  test("the reference's gradGammaBeta with a row index is the sum over the rows of each task, zero elsewhere", () => {
    const [rows, features, gammaRows, width, offset] = [6, 4, 3, 11, 2];
    const x = filled(reference, rows * features, rng), gammaBeta = filled(reference, gammaRows * width, rng);
    const gradOut = filled(reference, rows * features, rng);
    const rowIndex = Int32Array.of(2, 0, 2, 2, 0, 0); // task 1 is read by no row
    const out = new Float32Array(rows * features);
    reference.filmForward(rows, features, gammaRows, width, offset, 0, x, gammaBeta, rowIndex, out);
    const grad = new Float32Array(gammaRows * width).fill(Number.NaN);
    reference.filmBackward(rows, features, gammaRows, width, offset, 0, x, gammaBeta, rowIndex, out, gradOut, 0, null, 0, grad);
    for (let t = 0; t < gammaRows; t++) {
      for (let column = 0; column < width; column++) {
        let want = 0;
        for (let r = 0; r < rows; r++) {
          if (rowIndex[r] !== t) continue;
          const h = column - offset;
          if (h >= 0 && h < features) want += gradOut[r * features + h]! * x[r * features + h]!;
          else if (h >= features && h < 2 * features) want += gradOut[r * features + h - features]!;
        }
        assert.ok(Math.abs(grad[t * width + column]! - want) <= 1e-6, `gradGammaBeta[${t}, ${column}] = ${grad[t * width + column]}, expected ${want}`);
      }
    }
  });

  test("no rows: the forward writes nothing; a beta 0 backward with a row index zeroes gradGammaBeta", () => {
    for (const { label, kernels } of [{ label: "js", kernels: reference as Kernels }, ...backends]) {
      const empty = kernels.allocate(0);
      const gammaBeta = kernels.allocate(2 * 6), grad = kernels.allocate(2 * 6).fill(Number.NaN);
      kernels.filmForward(0, 3, 2, 6, 0, 1, empty, gammaBeta, new Int32Array(0), empty);
      kernels.filmBackward(0, 3, 2, 6, 0, 1, empty, gammaBeta, new Int32Array(0), empty, empty, 0, empty, 0, grad);
      assert.deepEqual([...grad], new Array(12).fill(0), `${label} gradGammaBeta`);
    }
  });

  test("shapes, codes, row indices and arrays that do not fit are rejected naming the argument", () => {
    for (const { label, kernels } of [{ label: "js", kernels: reference as Kernels }, ...backends]) {
      const [rows, features, gammaRows, width, offset] = [4, 3, 2, 8, 1];
      const x = kernels.allocate(rows * features), out = kernels.allocate(rows * features);
      const gammaBeta = kernels.allocate(gammaRows * width);
      const rowIndex = Int32Array.of(0, 1, 1, 0);
      const rejects = (call: () => void, message: RegExp): void =>
        assert.throws(call, (error: unknown) => error instanceof KernelArgumentError && message.test(error.message), `${label}: ${message}`);
      rejects(() => kernels.filmForward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, Int32Array.of(0, 1, 2, 0), out),
        /filmForward: rowIndex\[2\] = 2 is outside the 2 rows of gammaBeta/);
      rejects(() => kernels.filmForward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, rowIndex.subarray(1), out),
        /filmForward: rowIndex must hold one gammaBeta row per row \(4\), but holds 3/);
      rejects(() => kernels.filmForward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, null, out), /without a rowIndex.*gammaRows must equal rows \(4\), got 2/);
      rejects(() => kernels.filmForward(rows, features, gammaRows, width, 3, 1, x, gammaBeta, rowIndex, out), /columns \[3, 9\) of gammaBeta, but its rows are 8 wide/);
      rejects(() => kernels.filmForward(rows, features, gammaRows, width, offset, 5, x, gammaBeta, rowIndex, out), /activation must be a code.*got 5/);
      rejects(() => kernels.filmForward(rows, features, gammaRows, width, offset, 1, x.subarray(1), gammaBeta, rowIndex, out), /filmForward: x must hold \[4, 3\] = 12 floats, but holds 11/);
      rejects(() => kernels.filmForward(rows, features, gammaRows, width, offset, 1, x, gammaBeta.subarray(8), rowIndex, out), /filmForward: gammaBeta must hold \[2, 8\] = 16 floats, but holds 8/);
      rejects(() => kernels.filmForward(rows, 1.5, gammaRows, width, offset, 1, x, gammaBeta, rowIndex, out), /features=1\.5/);
      rejects(() => kernels.filmBackward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, rowIndex, out, out, 0, x, 0, gammaBeta.subarray(1)),
        /filmBackward: gradGammaBeta must hold \[2, 8\] = 16 floats, but holds 15/);
      rejects(() => kernels.filmBackward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, rowIndex, out, out.subarray(2), 0, x, 0, null),
        /filmBackward: gradOut must hold \[4, 3\] = 12 floats, but holds 10/);
    }
  });
});

describe("native FiLM on threads", () => {
  test("1 and 2 threads give the same bits for filmForward and filmBackward, with rows sharing gammaBeta rows", (t) => {
    const native = backends.find((backend) => backend.label === "native")?.kernels as NativeKernels | undefined;
    if (native === undefined) {
      t.skip("native backend not available here");
      return;
    }
    const threadsBefore = native.blasInfo().threads;
    const shapes = [[1280, 400, 10, 2400, 800, true], [1280, 400, 1280, 800, 0, false], [1001, 67, 3, 140, 3, true], [1001, 67, 1, 134, 0, true]] as const;
    const run = (threads: number): Float32Array[] => {
      const kernels = NativeKernels.load({ blasThreads: threads });
      const rngForInputs = Rng.fromSeed(13, "native-film-thread-inputs");
      const outputs: Float32Array[] = [];
      for (const [rows, features, gammaRows, width, offset, indexed] of shapes) {
        const x = filled(kernels, rows * features, rngForInputs), gammaBeta = filled(kernels, gammaRows * width, rngForInputs);
        const rowIndex = indexed ? Int32Array.from({ length: rows }, () => rngForInputs.integers(0, gammaRows)) : null;
        const out = kernels.allocate(rows * features);
        kernels.filmForward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, rowIndex, out);
        const gradOut = filled(kernels, rows * features, rngForInputs);
        const gradX = filled(kernels, rows * features, rngForInputs), gradGammaBeta = filled(kernels, gammaRows * width, rngForInputs);
        kernels.filmBackward(rows, features, gammaRows, width, offset, 1, x, gammaBeta, rowIndex, out, gradOut, 1, gradX, 1, gradGammaBeta);
        outputs.push(out, gradX, gradGammaBeta);
      }
      return outputs;
    };
    try {
      const one = run(1);
      const two = run(2);
      one.forEach((values, i) => assert.ok(Buffer.from(values.buffer, values.byteOffset, values.byteLength)
        .equals(Buffer.from(two[i]!.buffer, two[i]!.byteOffset, two[i]!.byteLength)),
      `${["out", "gradX", "gradGammaBeta"][i % 3]} at ${shapes[Math.floor(i / 3)]!.join(", ")} differs between 1 and 2 threads`));
    } finally {
      NativeKernels.load({ blasThreads: Math.max(1, threadsBefore) });
    }
  });
});
