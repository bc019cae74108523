/** The FiLM kernels (filmForward, filmBackward) on every backend against the js reference. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { KernelArgumentError } from "./kernel-errors.js";
import type { Kernels } from "./kernels.js";
import { NativeKernels } from "./native-kernels.js";
import { assertSameBits, copyInto, filled, reference, testedBackends } from "../testing/backend-fixtures.js";

const backends = testedBackends();

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
      assertSameBits(one, two, (i) => `${["out", "gradX", "gradGammaBeta"][i % 3]} at ${shapes[Math.floor(i / 3)]!.join(", ")}`);
    } finally {
      NativeKernels.load({ blasThreads: Math.max(1, threadsBefore) });
    }
  });
});
