import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { layerNorm } from "./layer-norm.js";

function referenceLayerNorm(x: Float64Array, w: Float64Array | null, b: Float64Array | null, width: number, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / width; r++) {
    const row = x.subarray(r * width, (r + 1) * width);
    const mu = row.reduce((a, v) => a + v, 0) / width;
    const variance = row.reduce((a, v) => a + (v - mu) ** 2, 0) / width;
    for (let j = 0; j < width; j++) out[r * width + j] = ((row[j]! - mu) / Math.sqrt(variance + eps)) * (w?.[j] ?? 1) + (b?.[j] ?? 0);
  }
  return out;
}

describe("layerNorm", () => {
  it("gradients of x, weight and bias match finite differences", () => {
    assertGradients({
      inputs: [{ shape: [3, 5] }, { shape: [5] }, { shape: [5] }],
      forward: (_e, [x, w, b]) => layerNorm(x!, w!, b!),
      reference: ([x, w, b]) => referenceLayerNorm(x!, w!, b!, 5, 1e-5),
    });
  });
  it("works without affine parameters", () => {
    assertGradients({
      inputs: [{ shape: [2, 2, 4] }],
      forward: (_e, [x]) => layerNorm(x!, null, null, 1e-3),
      reference: ([x]) => referenceLayerNorm(x!, null, null, 4, 1e-3),
    });
  });
});
