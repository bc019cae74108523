import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import { logSoftmax } from "./log-softmax.js";
import { softmax } from "./softmax.js";

describe("logSoftmax", () => {
  it("matches float64 log(softmax) and its finite differences over the last axis", () => {
    const [rows, width] = [3, 5];
    assertGradients({
      inputs: [{ shape: [rows, width] }],
      forward: (_e, [x]) => logSoftmax(x!),
      reference: ([x]) => {
        const out = new Float64Array(rows * width);
        for (let r = 0; r < rows; r++) {
          const row = x!.subarray(r * width, (r + 1) * width);
          const logTotal = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
          row.forEach((v, j) => (out[r * width + j] = v - logTotal));
        }
        return out;
      },
    });
  });

  it("exponentiates to softmax within 1e-6", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([3, 7], Array.from({ length: 21 }, (_, i) => 3 * Math.sin(1.7 * i)));
    const logProbabilities = logSoftmax(x);
    const probabilities = softmax(x);
    for (let i = 0; i < x.size; i++) assert.ok(Math.abs(Math.exp(logProbabilities.data[i]!) - probabilities.data[i]!) <= 1e-6, `element ${i}`);
  });

  it("stays finite where log(softmax) would give −∞: large logit gaps", () => {
    const engine = new Engine(new JsKernels());
    const y = logSoftmax(engine.input([1, 3], [1000, 0, -1000]));
    assert.deepEqual(Array.from(y.data), [0, -1000, -2000]);
  });

  it("rejects a scalar", () => {
    const engine = new Engine(new JsKernels());
    assert.throws(() => logSoftmax(engine.input([])), (error: unknown) => error instanceof ShapeError && /got the scalar tensor\[\]/.test(error.message));
  });
});
