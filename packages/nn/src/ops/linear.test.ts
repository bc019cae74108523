import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import type { Activation } from "./activation.js";
import { linear } from "./linear.js";

const activations: Record<Activation, (z: number) => number> = {
  identity: (z) => z,
  relu: (z) => Math.max(z, 0),
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
};

function referenceLinear(x: Float64Array, w: Float64Array, b: Float64Array | null, rows: number, inF: number, outF: number, act: (z: number) => number): Float64Array {
  const out = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let z = b === null ? 0 : b[o]!;
      for (let i = 0; i < inF; i++) z += x[r * inF + i]! * w[o * inF + i]!;
      out[r * outF + o] = act(z);
    }
  }
  return out;
}

describe("linear (fused GEMM + bias + activation)", () => {
  const [rows, inF, outF] = [5, 3, 4];
  for (const activation of Object.keys(activations) as Activation[]) {
    it(`gradients of x, weight and bias match finite differences with ${activation}`, () => {
      assertGradients({
        inputs: [{ shape: [rows, inF] }, { shape: [outF, inF] }, { shape: [outF] }],
        forward: (_e, [x, w, b]) => linear(x!, w!, b!, activation),
        reference: ([x, w, b]) => referenceLinear(x!, w!, b!, rows, inF, outF, activations[activation]),
      });
    });
  }

  it("works without a bias and on a rank-3 input", () => {
    assertGradients({
      inputs: [{ shape: [2, 3, inF] }, { shape: [outF, inF] }],
      forward: (_e, [x, w]) => linear(x!, w!, null, "tanh"),
      reference: ([x, w]) => referenceLinear(x!, w!, null, 6, inF, outF, Math.tanh),
    });
  });

  it("computes only the input gradient when the weights are not asked for", () => {
    let gemmCalls = 0;
    class CountingKernels extends JsKernels {
      override gemm(...args: Parameters<JsKernels["gemm"]>): void {
        gemmCalls++;
        super.gemm(...args);
      }
    }
    const engine = new Engine(new CountingKernels());
    const x = engine.persistent([2, 3], "x", true);
    const w = engine.persistent([4, 3], "w", true);
    w.grad!.fill(Number.NaN);
    engine.beginStep();
    const y = linear(x, w, null, "relu");
    gemmCalls = 0;
    engine.backward(y, [x], { seed: new Float32Array(8).fill(1) });
    assert.equal(gemmCalls, 1, "only dX = dZ·W");
    assert.ok(Number.isNaN(w.grad![0]!), "the weight gradient buffer was not touched");
  });
});
