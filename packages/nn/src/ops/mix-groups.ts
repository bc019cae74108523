import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Per-row weighted sums of group outputs y [Gin, B, H] (e.g. the result of `groupedLinear`):
 *
 * - weights [B, Gin] → out [B, H], out[b] = Σ_g weights[b, g] · y[g, b]: a mixture of experts
 *   combining its experts' outputs with each row's routing weights;
 * - weights [B, Gout, Gin] → out [Gout, B, H], out[o, b] = Σ_g weights[b, o, g] · y[g, b]: soft
 *   modularization mixing one layer's module outputs into the next layer's module inputs.
 *
 * Gradients flow to both y and the weights. The weights differ per row, so this is B tiny
 * [Gout, Gin] × [Gin, H] products: plain loops, not GEMM calls whose overhead would dominate.
 */
export function mixGroups(y: Tensor, weights: Tensor): Tensor {
  const engine = y.engine;
  engine.check(y);
  engine.check(weights);
  if (y.rank !== 3) {
    throw new ShapeError(`mixGroups: y must be [groups, rows, features], got ${y.describe()}. Pass the stacked group outputs (e.g. of groupedLinear).`);
  }
  const groupsIn = y.dim(0);
  const rows = y.dim(1);
  const features = y.dim(2);
  const perOutputGroup = weights.rank === 3;
  const matches = weights.dim(0) === rows && weights.dim(-1) === groupsIn && (weights.rank === 2 || perOutputGroup);
  if (!matches) {
    throw new ShapeError(
      `mixGroups: weights must be [${rows}, ${groupsIn}] (one mixture per row) or [${rows}, groupsOut, ${groupsIn}] (one per row and output group) for y ${y.describe()}, got ${weights.describe()}. The last dimension must equal y's group count and the first its rows.`,
    );
  }
  // [B, Gin] has the memory layout of [B, 1, Gin]: one code path with groupsOut = 1.
  const groupsOut = perOutputGroup ? weights.dim(1) : 1;
  const out = engine.empty(perOutputGroup ? [groupsOut, rows, features] : [rows, features]);
  const values = y.data;
  const mix = weights.data;
  const result = out.data;
  if (groupsIn === 0) result.fill(0);
  for (let o = 0; o < groupsOut; o++) {
    for (let b = 0; b < rows; b++) {
      const outRow = (o * rows + b) * features;
      const weightRow = (b * groupsOut + o) * groupsIn;
      for (let g = 0; g < groupsIn; g++) {
        const w = mix[weightRow + g]!;
        const inRow = (g * rows + b) * features;
        if (g === 0) for (let h = 0; h < features; h++) result[outRow + h] = w * values[inRow + h]!;
        else for (let h = 0; h < features; h++) result[outRow + h]! += w * values[inRow + h]!;
      }
    }
  }
  const node = engine.record(mixGroupsBackward, out, y, weights);
  if (node !== null) {
    node.n0 = groupsIn;
    node.n1 = groupsOut;
    node.n2 = rows;
    node.n3 = features;
  }
  return out;
}

function mixGroupsBackward(node: TapeNode): void {
  const y = node.a!;
  const weights = node.b!;
  const engine = y.engine;
  const groupsIn = node.n0;
  const groupsOut = node.n1;
  const rows = node.n2;
  const features = node.n3;
  const dOut = node.out.grad!;
  if (engine.needsGrad(y)) {
    // dy[g, b] = Σ_o weights[b, o, g] · dOut[o, b]
    const beta = engine.claimGrad(y);
    const grad = y.grad!;
    if (groupsOut === 0 && beta === 0) grad.fill(0);
    for (let g = 0; g < groupsIn; g++) {
      for (let b = 0; b < rows; b++) {
        const gradRow = (g * rows + b) * features;
        for (let o = 0; o < groupsOut; o++) {
          const w = weights.data[(b * groupsOut + o) * groupsIn + g]!;
          const outRow = (o * rows + b) * features;
          if (o === 0 && beta === 0) for (let h = 0; h < features; h++) grad[gradRow + h] = w * dOut[outRow + h]!;
          else for (let h = 0; h < features; h++) grad[gradRow + h]! += w * dOut[outRow + h]!;
        }
      }
    }
  }
  if (engine.needsGrad(weights)) {
    // dWeights[b, o, g] = dOut[o, b] · y[g, b]
    const beta = engine.claimGrad(weights);
    const grad = weights.grad!;
    for (let b = 0; b < rows; b++) {
      for (let o = 0; o < groupsOut; o++) {
        const outRow = (o * rows + b) * features;
        for (let g = 0; g < groupsIn; g++) {
          const inRow = (g * rows + b) * features;
          let dot = 0;
          for (let h = 0; h < features; h++) dot += dOut[outRow + h]! * y.data[inRow + h]!;
          const at = (b * groupsOut + o) * groupsIn + g;
          grad[at] = beta === 0 ? dot : grad[at]! + dot;
        }
      }
    }
  }
}
