import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { mean, sum } from "./reduce.js";

/** Float64 reduction of a [d0, d1, d2] tensor along `axis`. */
function referenceReduce(x: Float64Array, shape: number[], axis: number, average: boolean): Float64Array {
  const [d0, d1, d2] = shape as [number, number, number];
  const outShape = shape.filter((_, i) => i !== axis);
  const out = new Float64Array(outShape[0]! * outShape[1]!);
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      for (let k = 0; k < d2; k++) {
        const [p, q] = axis === 0 ? [j, k] : axis === 1 ? [i, k] : [i, j];
        out[p * outShape[1]! + q]! += x[(i * d1 + j) * d2 + k]! / (average ? shape[axis]! : 1);
      }
    }
  }
  return out;
}

describe("sum and mean", () => {
  const shape = [2, 3, 4];
  it("sum of all elements matches finite differences", () => {
    assertGradients({
      inputs: [{ shape }],
      forward: (_e, [x]) => sum(x!),
      reference: ([x]) => Float64Array.of(x!.reduce((a, b) => a + b, 0)),
    });
  });
  it("mean of all elements matches finite differences", () => {
    assertGradients({
      inputs: [{ shape }],
      forward: (_e, [x]) => mean(x!),
      reference: ([x]) => Float64Array.of(x!.reduce((a, b) => a + b, 0) / x!.length),
    });
  });
  for (const axis of [0, 1, 2]) {
    for (const average of [false, true]) {
      it(`${average ? "mean" : "sum"} along axis ${axis} matches finite differences`, () => {
        assertGradients({
          inputs: [{ shape }],
          forward: (_e, [x]) => (average ? mean(x!, axis) : sum(x!, axis)),
          reference: ([x]) => referenceReduce(x!, shape, axis, average),
        });
      });
    }
  }
  it("keepDims keeps the reduced axis with size 1; negative axes count from the end", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([2, 3, 4], Array.from({ length: 24 }, (_, i) => i));
    assert.deepEqual(sum(x, -1, { keepDims: true }).shape, [2, 3, 1]);
    assert.deepEqual(mean(x, 1).shape, [2, 4]);
    assert.deepEqual(sum(x).shape, []);
    assert.equal(sum(x).item(), 276);
    assert.throws(() => sum(x, 3), /axis 3 is out of range/);
  });
});
