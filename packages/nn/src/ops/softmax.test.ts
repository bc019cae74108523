import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { softmax } from "./softmax.js";

describe("softmax", () => {
  it("matches float64 finite differences over the last axis", () => {
    assertGradients({
      inputs: [{ shape: [3, 4] }],
      forward: (_e, [x]) => softmax(x!),
      reference: ([x]) => {
        const out = new Float64Array(12);
        for (let r = 0; r < 3; r++) {
          const row = Array.from(x!.subarray(r * 4, r * 4 + 4), Math.exp);
          const total = row.reduce((a, v) => a + v, 0);
          row.forEach((v, j) => (out[r * 4 + j] = v / total));
        }
        return out;
      },
    });
  });
  it("does not overflow on large logits", () => {
    const engine = new Engine(new JsKernels());
    const y = softmax(engine.input([1, 2], [1000, 1000]));
    assert.deepEqual(Array.from(y.data), [0.5, 0.5]);
  });
});
