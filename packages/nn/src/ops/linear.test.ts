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

  it("takes its input as parts of the concatenation: same values and gradients as on the concatenation", () => {
    const [r, widths, o] = [5, [2, 1, 3], 4];
    const total = widths.reduce((a, b) => a + b, 0);
    const concatenate = (parts: Float64Array[]): Float64Array => {
      const joined = new Float64Array(r * total);
      for (let i = 0; i < r; i++) {
        let column = 0;
        parts.forEach((part, p) => {
          for (let j = 0; j < widths[p]!; j++) joined[i * total + column + j] = part[i * widths[p]! + j]!;
          column += widths[p]!;
        });
      }
      return joined;
    };
    assertGradients({
      inputs: [...widths.map((w) => ({ shape: [r, w] })), { shape: [o, total] }, { shape: [o] }],
      forward: (_e, [a, b, c, w, bias]) => linear([a!, b!, c!], w!, bias!, "tanh"),
      reference: ([a, b, c, w, bias]) => referenceLinear(concatenate([a!, b!, c!]), w!, bias!, r, total, o, Math.tanh),
    });
  });

  it("computes the input gradient of only the parts that need one", () => {
    const gemmShapes: string[] = [];
    class CountingKernels extends JsKernels {
      override gemm(...args: Parameters<JsKernels["gemm"]>): void {
        gemmShapes.push(`${args[2]}x${args[3]}x${args[4]}`);
        super.gemm(...args);
      }
    }
    const engine = new Engine(new CountingKernels());
    const state = engine.persistent([3, 5], "state", false);
    const action = engine.persistent([3, 2], "action", true);
    const w = engine.persistent([4, 7], "w", true);
    state.data.set(Float32Array.from({ length: 15 }, (_, i) => Math.sin(i)));
    action.data.set(Float32Array.from({ length: 6 }, (_, i) => Math.cos(i)));
    w.data.set(Float32Array.from({ length: 28 }, (_, i) => Math.sin(3 * i)));
    engine.beginStep();
    const y = linear([state, action], w, null, "relu");
    gemmShapes.length = 0;
    engine.backward(y, [action], { seed: new Float32Array(12).fill(1) });
    assert.deepEqual(gemmShapes, ["3x2x4"], "only d(action) = dZ·W[:, 5:7]");
    // Against the same layer on the concatenated input.
    const joined = new JsKernels().allocate(21);
    for (let i = 0; i < 3; i++) {
      joined.set(state.data.subarray(i * 5, i * 5 + 5), i * 7);
      joined.set(action.data.subarray(i * 2, i * 2 + 2), i * 7 + 5);
    }
    const reference = new Engine(new JsKernels());
    const x = reference.persistent([3, 7], "x", true);
    const w2 = reference.persistent([4, 7], "w", false);
    x.data.set(joined);
    w2.data.set(w.data);
    reference.beginStep();
    const y2 = linear(x, w2, null, "relu");
    for (let i = 0; i < 12; i++) assert.ok(Math.abs(y.data[i]! - y2.data[i]!) < 1e-6);
    reference.backward(y2, [x], { seed: new Float32Array(12).fill(1) });
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) assert.ok(Math.abs(action.grad![i * 2 + j]! - x.grad![i * 7 + 5 + j]!) < 1e-6);
    }
  });
});
