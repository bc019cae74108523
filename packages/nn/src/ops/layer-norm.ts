import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * (x − mean) / √(var + eps) · weight + bias over the last dimension (torch.nn.functional.layer_norm
 * with normalized_shape = [D]; biased variance). `weight` and `bias` are [D] or null.
 * The per-row mean and 1/std are kept for the backward.
 */
export function layerNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const engine = x.engine;
  engine.check(x);
  const width = x.dim(-1);
  for (const affine of [weight, bias]) {
    if (affine === null) continue;
    engine.check(affine);
    if (affine.size !== width) throw new ShapeError(`layerNorm: weight and bias must have ${width} elements for ${x.describe()}, got ${affine.describe()}.`);
  }
  const rows = x.size / width;
  const out = engine.empty(x.shape);
  const stats = engine.empty([rows, 2]);
  const input = x.data;
  const output = out.data;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let total = 0;
    for (let j = 0; j < width; j++) total += input[base + j]!;
    const rowMean = total / width;
    let squares = 0;
    for (let j = 0; j < width; j++) {
      const centered = input[base + j]! - rowMean;
      squares += centered * centered;
    }
    const inverseStd = 1 / Math.sqrt(squares / width + eps);
    stats.data[2 * r] = rowMean;
    stats.data[2 * r + 1] = inverseStd;
    for (let j = 0; j < width; j++) {
      const normalized = (input[base + j]! - rowMean) * inverseStd;
      output[base + j] = normalized * (weight === null ? 1 : weight.data[j]!) + (bias === null ? 0 : bias.data[j]!);
    }
  }
  const node = engine.record(layerNormBackward, out, x, weight, bias);
  if (node !== null) {
    node.saved = stats;
    node.n0 = rows;
    node.n1 = width;
  }
  return out;
}

function layerNormBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b;
  const bias = node.c;
  const engine = x.engine;
  const stats = node.saved!.data;
  const rows = node.n0;
  const width = node.n1;
  const g = node.out.grad!;
  const input = x.data;
  if (engine.needsGrad(weight)) {
    const beta = engine.claimGrad(weight);
    const grad = weight.grad!;
    if (beta === 0) grad.fill(0);
    for (let r = 0; r < rows; r++) {
      const base = r * width;
      for (let j = 0; j < width; j++) grad[j]! += g[base + j]! * (input[base + j]! - stats[2 * r]!) * stats[2 * r + 1]!;
    }
  }
  if (engine.needsGrad(bias)) {
    engine.kernels.sumRows(g, rows, width, engine.claimGrad(bias), bias.grad!);
  }
  if (engine.needsGrad(x)) {
    const beta = engine.claimGrad(x);
    const grad = x.grad!;
    for (let r = 0; r < rows; r++) {
      const base = r * width;
      const rowMean = stats[2 * r]!;
      const inverseStd = stats[2 * r + 1]!;
      // dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = g·weight.
      let meanG = 0;
      let meanGX = 0;
      for (let j = 0; j < width; j++) {
        const gHat = g[base + j]! * (weight === null ? 1 : weight.data[j]!);
        meanG += gHat;
        meanGX += gHat * (input[base + j]! - rowMean) * inverseStd;
      }
      meanG /= width;
      meanGX /= width;
      for (let j = 0; j < width; j++) {
        const gHat = g[base + j]! * (weight === null ? 1 : weight.data[j]!);
        const normalized = (input[base + j]! - rowMean) * inverseStd;
        const d = inverseStd * (gHat - meanG - normalized * meanGX);
        grad[base + j] = beta === 0 ? d : grad[base + j]! + d;
      }
    }
  }
}
