/** The per-row group-mixing kernels (mixRows, mixRowsWeightGrad) on every backend against the js reference. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { KernelArgumentError } from "./kernel-errors.js";
import type { Kernels } from "./kernels.js";
import { NativeKernels } from "./native-kernels.js";
import { assertSameBits, copyInto, filled, reference, testedBackends } from "../testing/backend-fixtures.js";

const backends = testedBackends();

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
      assertSameBits(one, two, (i) => `${["mixRows", "mixRows transW", "mixRowsWeightGrad"][i % 3]} at ${shapes[Math.floor(i / 3)]!.join("x")}`);
    } finally {
      NativeKernels.load({ blasThreads: Math.max(1, threadsBefore) });
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

