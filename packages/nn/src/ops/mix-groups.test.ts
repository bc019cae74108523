import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import type { Kernels } from "../kernels/kernels.js";
import { NativeKernels } from "../kernels/native-kernels.js";
import { WasmKernels } from "../kernels/wasm-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import { add } from "./binary.js";
import { mixGroups } from "./mix-groups.js";

/** Float64 reference with weights read as [B, Gout, Gin] (Gout = 1 for [B, Gin]). */
function referenceMix(y: Float64Array, w: Float64Array, groupsIn: number, groupsOut: number, rows: number, features: number): Float64Array {
  const out = new Float64Array(groupsOut * rows * features);
  for (let o = 0; o < groupsOut; o++) {
    for (let b = 0; b < rows; b++) {
      for (let h = 0; h < features; h++) {
        let total = 0;
        for (let g = 0; g < groupsIn; g++) total += w[(b * groupsOut + o) * groupsIn + g]! * y[(g * rows + b) * features + h]!;
        out[(o * rows + b) * features + h] = total;
      }
    }
  }
  return out;
}

describe("mixGroups", () => {
  const [groupsIn, rows, features, groupsOut] = [3, 5, 7, 5];

  it("with weights [B, Gin] sums each row's group outputs into [B, H]; gradients to y and weights", () => {
    assertGradients({
      inputs: [{ shape: [groupsIn, rows, features] }, { shape: [rows, groupsIn] }],
      forward: (_e, [y, w]) => {
        const out = mixGroups(y!, w!);
        assert.deepEqual(out.shape, [rows, features]);
        return out;
      },
      reference: ([y, w]) => referenceMix(y!, w!, groupsIn, 1, rows, features),
    });
  });

  it("with weights [B, Gout, Gin] mixes into [Gout, B, H]; gradients to y and weights", () => {
    assertGradients({
      inputs: [{ shape: [groupsIn, rows, features] }, { shape: [rows, groupsOut, groupsIn] }],
      forward: (_e, [y, w]) => {
        const out = mixGroups(y!, w!);
        assert.deepEqual(out.shape, [groupsOut, rows, features]);
        return out;
      },
      reference: ([y, w]) => referenceMix(y!, w!, groupsIn, groupsOut, rows, features),
    });
  });

  it("picks out one group exactly with one-hot weights", () => {
    const engine = new Engine(new JsKernels());
    const y = engine.input([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const out = mixGroups(y, engine.input([2, 2], [0, 1, 1, 0]));
    assert.deepEqual(Array.from(out.data), [7, 8, 9, 4, 5, 6], "row 0 from group 1, row 1 from group 0");
  });

  it("rejects weights that do not fit y, naming both shapes", () => {
    const engine = new Engine(new JsKernels());
    const y = engine.input([groupsIn, rows, features]);
    const check = (call: () => unknown, message: RegExp): void => {
      assert.throws(call, (error: unknown) => error instanceof ShapeError && message.test(error.message));
    };
    check(() => mixGroups(y, engine.input([rows, groupsIn + 1])), /weights must be \[5, 3\].*or \[5, groupsOut, 3\].*tensor\[3, 5, 7\].*got tensor\[5, 4\]/);
    check(() => mixGroups(y, engine.input([rows + 1, groupsOut, groupsIn])), /got tensor\[6, 5, 3\]/);
    check(() => mixGroups(y, engine.input([rows * groupsIn])), /got tensor\[15\]/);
    check(() => mixGroups(engine.input([rows, features]), engine.input([rows, 1])), /y must be \[groups, rows, features\], got tensor\[5, 7\]/);
  });
});

describe("mixGroups gradients on every backend", () => {
  const backends: Array<{ label: string; kernels: Kernels; close?: () => void }> = [{ label: "js", kernels: new JsKernels() }];
  before(async () => {
    const wasm = await WasmKernels.create();
    backends.push({ label: "wasm", kernels: wasm, close: () => wasm.close() });
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

  // Odd sizes: vector tails in the features, rows past one 16-row block.
  const [groupsIn, rows, features, groupsOut] = [3, 19, 21, 5];

  it("pass the gradient check with weights [B, Gout, Gin] and [B, Gin]", () => {
    for (const { label, kernels } of backends) {
      for (const perOutputGroup of [true, false]) {
        const mixes = perOutputGroup ? groupsOut : 1;
        assert.doesNotThrow(() => assertGradients({
          inputs: [{ shape: [groupsIn, rows, features] }, { shape: perOutputGroup ? [rows, groupsOut, groupsIn] : [rows, groupsIn] }],
          forward: (_e, [y, w]) => mixGroups(y!, w!),
          reference: ([y, w]) => referenceMix(y!, w!, groupsIn, mixes, rows, features),
        }, { kernels }), `${label}, weights ${perOutputGroup ? "[B, Gout, Gin]" : "[B, Gin]"}`);
      }
    }
  });

  it("accumulate into gradients that already hold a contribution (y and weights used twice)", () => {
    for (const { label, kernels } of backends) {
      assert.doesNotThrow(() => assertGradients({
        inputs: [{ shape: [groupsIn, rows, features] }, { shape: [rows, groupsOut, groupsIn] }],
        forward: (_e, [y, w]) => add(mixGroups(y!, w!), mixGroups(y!, w!)),
        reference: ([y, w]) => referenceMix(y!, w!, groupsIn, groupsOut, rows, features).map((value) => 2 * value),
      }, { kernels }), label);
    }
  });
});
