import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConfigError } from "@mtrl/core/errors";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import type { Kernels } from "../kernels/kernels.js";
import { NativeKernels } from "../kernels/native-kernels.js";
import { WasmKernels } from "../kernels/wasm-kernels.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertGradients } from "../testing/gradcheck.js";
import type { Activation } from "./activation.js";
import { add, affine, mul } from "./binary.js";
import { featureModulation } from "./feature-modulation.js";
import { concat, slice } from "./shape-ops.js";
import { elu, relu, sigmoid, tanh } from "./unary.js";

const activations: Record<Activation, (z: number) => number> = {
  identity: (z) => z,
  relu: (z) => Math.max(z, 0),
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
};

/** Float64 reference: act((1 + γ) x + β) with γ, β at `offset` of each gammaBeta row of `width`. */
function referenceModulation(
  x: Float64Array, gammaBeta: Float64Array, rows: number, features: number, width: number, offset: number, act: (z: number) => number,
): Float64Array {
  const out = new Float64Array(rows * features);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < features; h++) {
      const gamma = gammaBeta[r * width + offset + h]!;
      const beta = gammaBeta[r * width + offset + features + h]!;
      out[r * features + h] = act((1 + gamma) * x[r * features + h]! + beta);
    }
  }
  return out;
}

function concatColumns(a: Float64Array, b: Float64Array, rows: number, aCols: number, bCols: number): Float64Array {
  const out = new Float64Array(rows * (aCols + bCols));
  for (let r = 0; r < rows; r++) {
    out.set(a.subarray(r * aCols, (r + 1) * aCols), r * (aCols + bCols));
    out.set(b.subarray(r * bCols, (r + 1) * bCols), r * (aCols + bCols) + aCols);
  }
  return out;
}

describe("featureModulation", () => {
  // Two layers of widths 3 and 5 sharing one gammaBeta, with columns no layer reads at the start,
  // between the layers and at the end (their gradient must be exactly zero).
  const rows = 4;
  const [first, second] = [3, 5];
  const [firstOffset, secondOffset] = [1, 1 + 2 * first + 2];
  const width = secondOffset + 2 * second + 1;

  for (const activation of Object.keys(activations) as Activation[]) {
    it(`two layers reading disjoint columns of one gammaBeta: gradients to x and gammaBeta (${activation})`, () => {
      const act = activations[activation];
      assertGradients({
        inputs: [{ shape: [rows, first] }, { shape: [rows, second] }, { shape: [rows, width] }],
        forward: (_e, [x1, x2, gammaBeta]) => {
          const a = featureModulation(x1!, gammaBeta!, firstOffset, activation);
          const b = featureModulation(x2!, gammaBeta!, secondOffset, activation);
          assert.deepEqual(a.shape, [rows, first]);
          return concat([a, b], 1);
        },
        reference: ([x1, x2, gammaBeta]) => concatColumns(
          referenceModulation(x1!, gammaBeta!, rows, first, width, firstOffset, act),
          referenceModulation(x2!, gammaBeta!, rows, second, width, secondOffset, act),
          rows, first, second,
        ),
      });
    });
  }

  it("a row index: rows read their task's gammaBeta row, and the gradients of rows sharing one add up", () => {
    const tasks = 3;
    const rowIndex = Int32Array.of(2, 0, 2, 1);
    const gathered = (perTask: Float64Array): Float64Array => {
      const out = new Float64Array(rows * width);
      rowIndex.forEach((task, r) => out.set(perTask.subarray(task * width, (task + 1) * width), r * width));
      return out;
    };
    assertGradients({
      inputs: [{ shape: [rows, first] }, { shape: [rows, second] }, { shape: [tasks, width] }],
      forward: (_e, [x1, x2, gammaBeta]) =>
        concat([featureModulation(x1!, gammaBeta!, firstOffset, "relu", rowIndex), featureModulation(x2!, gammaBeta!, secondOffset, "tanh", rowIndex)], 1),
      reference: ([x1, x2, gammaBeta]) => concatColumns(
        referenceModulation(x1!, gathered(gammaBeta!), rows, first, width, firstOffset, activations.relu),
        referenceModulation(x2!, gathered(gammaBeta!), rows, second, width, secondOffset, Math.tanh),
        rows, first, second,
      ),
    });
    const engine = new Engine(new JsKernels());
    engine.beginStep();
    assert.throws(() => featureModulation(engine.input([rows, first]), engine.input([tasks, width]), firstOffset, "relu", Int32Array.of(0, 1, 3, 0)), /rowIndex\[2\] = 3 is outside the 3 rows/);
  });

  it("the same x modulated twice by the same columns of gammaBeta: every gradient accumulates", () => {
    const features = 4;
    const [offsetA, offsetB] = [1, 1];
    const gbWidth = 2 * features + 2;
    assertGradients({
      inputs: [{ shape: [rows, features] }, { shape: [rows, gbWidth] }],
      forward: (_e, [x, gammaBeta]) => add(featureModulation(x!, gammaBeta!, offsetA, "tanh"), featureModulation(x!, gammaBeta!, offsetB, "elu")),
      reference: ([x, gammaBeta]) => {
        const a = referenceModulation(x!, gammaBeta!, rows, features, gbWidth, offsetA, Math.tanh);
        const b = referenceModulation(x!, gammaBeta!, rows, features, gbWidth, offsetB, activations.elu);
        return a.map((value, i) => value + b[i]!);
      },
    });
  });

  it("zeroes the columns no op writes even when the gradient buffer held garbage (NaN)", () => {
    const engine = new Engine(new JsKernels());
    const rng = Rng.fromSeed(3, "film-garbage");
    const x1 = engine.persistent([rows, first], "x1", true);
    const x2 = engine.persistent([rows, second], "x2", true);
    const gammaBeta = engine.persistent([rows, width], "gammaBeta", true);
    for (const tensor of [x1, x2, gammaBeta]) for (let i = 0; i < tensor.size; i++) tensor.data[i] = rng.uniform(-1, 1);
    for (const tensor of [x1, x2, gammaBeta]) tensor.grad!.fill(Number.NaN);
    engine.beginStep();
    const out = concat([featureModulation(x1, gammaBeta, firstOffset), featureModulation(x2, gammaBeta, secondOffset)], 1);
    engine.backward(out, [x1, x2, gammaBeta], { seed: new Float32Array(out.size).fill(1) });
    const grad = gammaBeta.grad!;
    for (let r = 0; r < rows; r++) {
      for (let column = 0; column < width; column++) {
        const value = grad[r * width + column]!;
        const read = (column >= firstOffset && column < firstOffset + 2 * first) || (column >= secondOffset && column < secondOffset + 2 * second);
        if (read) assert.ok(Number.isFinite(value), `gammaBeta.grad[${r}, ${column}] = ${value}`);
        else assert.equal(value, 0, `unread column ${column} of row ${r}`);
      }
    }
    assert.ok([...x1.grad!, ...x2.grad!].every(Number.isFinite), "x gradients overwrite their NaN");
  });

  it("gives the same numbers as slice, affine, mul, add and the activation op it replaces", () => {
    const run = (fused: boolean, activation: Activation): Float32Array[] => {
      const engine = new Engine(new JsKernels());
      const x1 = engine.persistent([rows, first], "x1", true);
      const x2 = engine.persistent([rows, second], "x2", true);
      const gammaBeta = engine.persistent([rows, width], "gammaBeta", true);
      const values = Rng.fromSeed(5, "film-unfused"); // the same inputs for both runs
      for (const tensor of [x1, x2, gammaBeta]) for (let i = 0; i < tensor.size; i++) tensor.data[i] = values.uniform(-2, 2);
      const activationOp: Record<Activation, (t: Tensor) => Tensor> = { identity: (t) => t, relu, tanh, sigmoid, elu };
      const layer = (x: Tensor, offset: number, features: number): Tensor => {
        if (fused) return featureModulation(x, gammaBeta, offset, activation);
        const gamma = affine(slice(gammaBeta, -1, offset, offset + features), 1, 1);
        const beta = slice(gammaBeta, -1, offset + features, offset + 2 * features);
        return activationOp[activation](add(mul(gamma, x), beta));
      };
      engine.beginStep();
      const out = concat([layer(x1, firstOffset, first), layer(x2, secondOffset, second)], 1);
      const seed = new Float32Array(out.size);
      for (let i = 0; i < seed.length; i++) seed[i] = values.uniform(-1, 1);
      const output = Float32Array.from(out.data);
      engine.backward(out, [x1, x2, gammaBeta], { seed });
      return [output, Float32Array.from(x1.grad!), Float32Array.from(x2.grad!), Float32Array.from(gammaBeta.grad!)];
    };
    for (const activation of Object.keys(activations) as Activation[]) {
      const fused = run(true, activation);
      const unfused = run(false, activation);
      ["output", "x1 gradient", "x2 gradient", "gammaBeta gradient"].forEach((name, which) => {
        // === rather than deepEqual: an unfused gradient may be 0 where the fused one is -0.
        fused[which]!.forEach((value, i) => assert.ok(value === unfused[which]![i], `${activation} ${name}[${i}]: fused ${value}, unfused ${unfused[which]![i]}`));
      });
    }
  });

  it("rejects shapes that do not fit, naming them, and unknown activations", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([rows, first]);
    const gammaBeta = engine.input([rows, width]);
    const cases: Array<[() => unknown, RegExp]> = [
      [() => featureModulation(engine.input([rows, first, 1]), gammaBeta, 0), /x must be \[rows, features\], got tensor\[4, 3, 1\]/],
      [() => featureModulation(x, engine.input([rows + 1, width]), 0), /gammaBeta must be \[4, width\].*tensor\[4, 3\].*got tensor\[5, 20\]/],
      [() => featureModulation(x, engine.input([rows * width]), 0), /gammaBeta must be \[4, width\].*got tensor\[80\]/],
      [() => featureModulation(x, gammaBeta, width - 5), /take 6 columns of gammaBeta from offset 15, i\.e\. columns \[15, 21\), but gammaBeta tensor\[4, 20\] has 20/],
      [() => featureModulation(x, gammaBeta, -1), /from offset -1/],
      [() => featureModulation(x, gammaBeta, 0.5), /from offset 0\.5/],
    ];
    for (const [call, message] of cases) assert.throws(call, (error: unknown) => error instanceof ShapeError && message.test(error.message), String(message));
    assert.throws(() => featureModulation(x, gammaBeta, 0, "gelu" as Activation), (error: unknown) => error instanceof ConfigError && /unknown activation "gelu"; use one of identity, relu/.test(error.message));
  });
});

describe("featureModulation on every backend (filmForward / filmBackward kernels)", () => {
  const backends: Array<{ label: string; kernels: Kernels; close?: () => void }> = [{ label: "js", kernels: new JsKernels() }];
  before(async () => {
    const wasm = await WasmKernels.create();
    const wasmTwo = await WasmKernels.create({ threads: 2 });
    backends.push({ label: "wasm", kernels: wasm, close: () => wasm.close() }, { label: "wasm-2-threads", kernels: wasmTwo, close: () => wasmTwo.close() });
    try {
      backends.push({ label: "native", kernels: NativeKernels.load() });
    } catch (error) {
      // Optional by design; say why so a missing BLAS is visible in the report.
      console.log(`native backend not tested: ${(error as Error).message}`);
    }
  });
  after(() => {
    for (const backend of backends) backend.close?.();
  });

  // Odd widths (vector tails), a row index with a task no row reads, and each layer's γ, β between
  // columns no op reads.
  const [tasks, batch] = [3, 7];
  const rowIndex = Int32Array.of(2, 0, 2, 2, 0, 0, 2);
  const [first, second] = [5, 9];
  const [firstOffset, secondOffset] = [2, 2 + 2 * first + 1];
  const gbWidth = secondOffset + 2 * second + 3;
  const gathered = (perTask: Float64Array): Float64Array => {
    const out = new Float64Array(batch * gbWidth);
    rowIndex.forEach((task, r) => out.set(perTask.subarray(task * gbWidth, (task + 1) * gbWidth), r * gbWidth));
    return out;
  };

  for (const activation of ["relu", "identity"] as const) {
    it(`pass the gradient check with a row index, two layers accumulating into one gammaBeta gradient (${activation})`, () => {
      for (const { label, kernels } of backends) {
        assert.doesNotThrow(() => assertGradients({
          inputs: [{ shape: [batch, first] }, { shape: [batch, second] }, { shape: [tasks, gbWidth] }],
          forward: (_e, [x1, x2, gammaBeta]) => concat([
            featureModulation(x1!, gammaBeta!, firstOffset, activation, rowIndex),
            featureModulation(x2!, gammaBeta!, secondOffset, activation, rowIndex),
          ], 1),
          reference: ([x1, x2, gammaBeta]) => concatColumns(
            referenceModulation(x1!, gathered(gammaBeta!), batch, first, gbWidth, firstOffset, activations[activation]),
            referenceModulation(x2!, gathered(gammaBeta!), batch, second, gbWidth, secondOffset, activations[activation]),
            batch, first, second,
          ),
        }, { kernels }), `${label}, ${activation}`);
      }
    });
  }

  it("pass the gradient check without a row index, x used twice (its gradient accumulates)", () => {
    for (const { label, kernels } of backends) {
      assert.doesNotThrow(() => assertGradients({
        inputs: [{ shape: [batch, first] }, { shape: [batch, gbWidth] }],
        forward: (_e, [x, gammaBeta]) => add(featureModulation(x!, gammaBeta!, firstOffset, "relu"), featureModulation(x!, gammaBeta!, secondOffset, "identity")),
        reference: ([x, gammaBeta]) => {
          const a = referenceModulation(x!, gammaBeta!, batch, first, gbWidth, firstOffset, activations.relu);
          const b = referenceModulation(x!, gammaBeta!, batch, first, gbWidth, secondOffset, activations.identity);
          return a.map((value, i) => value + b[i]!);
        },
      }, { kernels }), label);
    }
  });

  it("a FiLM trunk step at B = 1280 gives the js backend's bits on every backend (outputs and gradients)", () => {
    const [rows, features, numTasks] = [1280, 400, 10];
    const width = 3 * 2 * features;
    const run = (kernels: Kernels): Float32Array[] => {
      const engine = new Engine(kernels);
      const values = Rng.fromSeed(8, "film-backends");
      const x = engine.persistent([rows, features], "x", true);
      const gammaBeta = engine.persistent([numTasks, width], "gammaBeta", true);
      for (const tensor of [x, gammaBeta]) for (let i = 0; i < tensor.size; i++) tensor.data[i] = values.uniform(-1, 1);
      for (const tensor of [x, gammaBeta]) tensor.grad!.fill(Number.NaN);
      const tasksOfRows = Int32Array.from({ length: rows }, () => values.integers(0, numTasks));
      const seed = new Float32Array(rows * features);
      for (let i = 0; i < seed.length; i++) seed[i] = values.uniform(-1, 1);
      engine.beginStep();
      // Two layers' column ranges of one gammaBeta (the second a first contribution to nothing
      // else): every element of its gradient is written by one op or zeroed.
      const h = featureModulation(x, gammaBeta, 0, "relu", tasksOfRows);
      const out = featureModulation(h, gammaBeta, 2 * features, "relu", tasksOfRows);
      const output = Float32Array.from(out.data);
      engine.backward(out, [x, gammaBeta], { seed });
      return [output, Float32Array.from(x.grad!), Float32Array.from(gammaBeta.grad!)];
    };
    const expected = run(backends[0]!.kernels);
    for (const { label, kernels } of backends.slice(1)) {
      const actual = run(kernels);
      ["output", "x gradient", "gammaBeta gradient"].forEach((name, which) => {
        const got = actual[which]!, want = expected[which]!;
        for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${label} ${name}[${i}] = ${got[i]}, js ${want[i]}`);
      });
    }
  });
});
