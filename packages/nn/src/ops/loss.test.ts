import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "@mtrl/core/errors";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import { mseLoss } from "./loss.js";

describe("mseLoss", () => {
  it("gradients of prediction and target match finite differences", () => {
    assertGradients({
      inputs: [{ shape: [6, 1] }, { shape: [6, 1] }],
      forward: (_e, [p, t]) => mseLoss(p!, t!),
      reference: ([p, t]) => Float64Array.of(p!.reduce((acc, v, i) => acc + (v - t![i]!) ** 2, 0) / p!.length),
    });
  });
});

describe("mseLoss with reduction \"none\"", () => {
  const [rows, width] = [5, 3];
  const referenceRows = (p: Float64Array, t: Float64Array): Float64Array => {
    const out = new Float64Array(rows);
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < width; j++) out[b]! += (p[b * width + j]! - t[b * width + j]!) ** 2 / width;
    }
    return out;
  };

  it("gives one mean squared error per row; gradients of prediction and target match finite differences", () => {
    assertGradients({
      inputs: [{ shape: [rows, width] }, { shape: [rows, width] }],
      forward: (_e, [p, t]) => {
        const losses = mseLoss(p!, t!, { reduction: "none" });
        assert.deepEqual(losses.shape, [rows]);
        return losses;
      },
      reference: ([p, t]) => referenceRows(p!, t!),
    });
  });

  it("has rows that average to the \"mean\" loss, which stays the default", () => {
    const engine = new Engine(new JsKernels());
    const p = engine.input([rows, width], Array.from({ length: rows * width }, (_, i) => Math.sin(i)));
    const t = engine.input([rows, width], Array.from({ length: rows * width }, (_, i) => Math.cos(i)));
    const perRow = mseLoss(p, t, { reduction: "none" });
    const average = perRow.data.reduce((a, v) => a + v, 0) / rows;
    assert.ok(Math.abs(average - mseLoss(p, t).item()) < 1e-6);
    assert.equal(mseLoss(p, t, { reduction: "mean" }).item(), mseLoss(p, t).item());
    assert.deepEqual(mseLoss(p, t).shape, []);
  });

  it("rejects a scalar prediction and unknown reductions, saying what to pass", () => {
    const engine = new Engine(new JsKernels());
    const scalar = engine.input([], [1]);
    assert.throws(() => mseLoss(scalar, scalar, { reduction: "none" }), (e: unknown) => e instanceof ShapeError && /Pass \[rows, \.\.\.\] tensors or use reduction "mean"/.test(e.message));
    const x = engine.input([2, 2]);
    assert.throws(() => mseLoss(x, x, { reduction: "sum" as "mean" }), (e: unknown) => e instanceof ConfigError && /"mean" or "none", got "sum"/.test(e.message));
  });
});
