import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import { conv2d, convTranspose2d } from "./conv.js";

/** Direct float64 convolution by definition (no im2col), so the two implementations are independent. */
function referenceConv(x: Float64Array, w: Float64Array, b: Float64Array | null, shape: number[], wShape: number[], stride: number, pad: number): Float64Array {
  const [n, c, h, wd] = shape as [number, number, number, number];
  const [o, , kh, kw] = wShape as [number, number, number, number];
  const ho = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const wo = Math.floor((wd + 2 * pad - kw) / stride) + 1;
  const out = new Float64Array(n * o * ho * wo);
  for (let s = 0; s < n; s++) for (let oc = 0; oc < o; oc++) for (let y = 0; y < ho; y++) for (let xo = 0; xo < wo; xo++) {
    let total = b?.[oc] ?? 0;
    for (let ic = 0; ic < c; ic++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const iy = y * stride - pad + i;
      const ix = xo * stride - pad + j;
      if (iy >= 0 && iy < h && ix >= 0 && ix < wd) total += x[((s * c + ic) * h + iy) * wd + ix]! * w[((oc * c + ic) * kh + i) * kw + j]!;
    }
    out[((s * o + oc) * ho + y) * wo + xo] = total;
  }
  return out;
}

/** Direct float64 transposed convolution: every input pixel scatters weight·value into the output. */
function referenceConvTranspose(x: Float64Array, w: Float64Array, b: Float64Array | null, shape: number[], wShape: number[], stride: number, pad: number, extra: number): Float64Array {
  const [n, ci, h, wd] = shape as [number, number, number, number];
  const [, co, kh, kw] = wShape as [number, number, number, number];
  const ho = (h - 1) * stride - 2 * pad + kh + extra;
  const wo = (wd - 1) * stride - 2 * pad + kw + extra;
  const out = new Float64Array(n * co * ho * wo);
  for (let s = 0; s < n; s++) {
    for (let oc = 0; oc < co; oc++) for (let p = 0; p < ho * wo; p++) out[(s * co + oc) * ho * wo + p] = b?.[oc] ?? 0;
    for (let ic = 0; ic < ci; ic++) for (let y = 0; y < h; y++) for (let xi = 0; xi < wd; xi++) {
      const value = x[((s * ci + ic) * h + y) * wd + xi]!;
      for (let oc = 0; oc < co; oc++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const oy = y * stride - pad + i;
        const ox = xi * stride - pad + j;
        if (oy >= 0 && oy < ho && ox >= 0 && ox < wo) out[((s * co + oc) * ho + oy) * wo + ox]! += value * w[((ic * co + oc) * kh + i) * kw + j]!;
      }
    }
  }
  return out;
}

// Stride 1 without padding may take any path (direct, grid or im2col); the others always unfold.
const layers = [[1, 0, "direct"], [1, 0, "grid"], [1, 0, "im2col"], [2, 1, "im2col"]] as const;

describe("conv2d", () => {
  for (const [stride, pad, path] of layers) {
    it(`matches a direct float64 convolution and its finite differences (stride ${stride}, padding ${pad}, ${path} path)`, () => {
      const xShape = [2, 3, 5, 4];
      const wShape = [2, 3, 3, 2];
      assertGradients({
        inputs: [{ shape: xShape }, { shape: wShape }, { shape: [2] }],
        forward: (_e, [x, w, b]) => conv2d(x!, w!, b!, { stride, padding: pad, path }),
        reference: ([x, w, b]) => referenceConv(x!, w!, b!, xShape, wShape, stride, pad),
      });
    });
  }
});

describe("convTranspose2d", () => {
  for (const [stride, pad, extra, path] of [[1, 0, 0, "direct"], [1, 0, 0, "grid"], [1, 0, 0, "im2col"], [2, 1, 1, "im2col"]] as const) {
    it(`matches a direct float64 transposed convolution and its finite differences (stride ${stride}, padding ${pad}, outputPadding ${extra}, ${path} path)`, () => {
      const xShape = [2, 3, 3, 4];
      const wShape = [3, 2, 3, 3];
      assertGradients({
        inputs: [{ shape: xShape }, { shape: wShape }, { shape: [2] }],
        forward: (_e, [x, w, b]) => convTranspose2d(x!, w!, b!, { stride, padding: pad, outputPadding: extra, path }),
        reference: ([x, w, b]) => referenceConvTranspose(x!, w!, b!, xShape, wShape, stride, pad, extra),
      });
    });
  }
});

describe("conv path option", () => {
  it("rejects a path that is neither grid nor im2col, saying which are", () => {
    const engine = new Engine(new JsKernels());
    engine.beginStep();
    const x = engine.input([1, 1, 4, 4]);
    const w = engine.input([1, 1, 3, 3]);
    assert.throws(() => conv2d(x, w, null, { path: "winograd" as never }), (e: unknown) => e instanceof ShapeError && /path must be "direct", "grid" or "im2col".*"winograd"/.test(e.message));
  });
});
