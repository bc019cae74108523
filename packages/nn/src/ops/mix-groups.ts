import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { viewFrom } from "./offset-view.js";

/**
 * Per-row weighted sums of group outputs y [Gin, B, H] (e.g. the result of `groupedLinear`):
 *
 * - weights [B, Gin] → out [B, H], out[b] = Σ_g weights[b, g] · y[g, b]: a mixture of experts
 *   combining its experts' outputs with each row's routing weights;
 * - weights [B, Gout, Gin] → out [Gout, B, H], out[o, b] = Σ_g weights[b, o, g] · y[g, b]: soft
 *   modularization mixing one layer's module outputs into the next layer's module inputs.
 *
 * Gradients flow to both y and the weights. The weights differ per row, so this is B small
 * [Gout, Gin] × [Gin, H] products, one kernel GEMM call each (y's rows for one b lie B·H apart,
 * which the GEMM's leading dimension expresses): measured 3–6× faster than plain JavaScript loops
 * on the wasm and native backends at soft modularization's shapes (V8 runs scalar float32 loops at
 * ~3 ns per multiply-add here).
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
  if (groupsIn === 0) out.data.fill(0);
  else {
    // Row b: out[:, b, :] (Gout × H, rows B·H apart) = W_b (Gout × Gin) · y[:, b, :] (Gin × H, rows B·H apart).
    const kernels = engine.kernels;
    const stride = rows * features;
    for (let b = 0; b < rows; b++) {
      kernels.gemm(false, false, groupsOut, features, groupsIn, 1, viewFrom(weights.data, b * groupsOut * groupsIn), groupsIn, viewFrom(y.data, b * features), stride, 0, viewFrom(out.data, b * features), stride);
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
  const kernels = engine.kernels;
  const stride = rows * features;
  if (engine.needsGrad(y)) {
    // dy[:, b, :] = W_bᵀ · dOut[:, b, :]
    const beta = engine.claimGrad(y);
    const grad = y.grad!;
    if (groupsOut === 0 && beta === 0) grad.fill(0);
    else {
      for (let b = 0; b < rows; b++) {
        kernels.gemm(true, false, groupsIn, features, groupsOut, 1, viewFrom(weights.data, b * groupsOut * groupsIn), groupsIn, viewFrom(dOut, b * features), stride, beta, viewFrom(grad, b * features), stride);
      }
    }
  }
  if (engine.needsGrad(weights)) {
    // dW_b = dOut[:, b, :] · y[:, b, :]ᵀ
    const beta = engine.claimGrad(weights);
    const grad = weights.grad!;
    for (let b = 0; b < rows; b++) {
      kernels.gemm(false, true, groupsOut, groupsIn, features, 1, viewFrom(dOut, b * features), stride, viewFrom(y.data, b * features), stride, beta, viewFrom(grad, b * groupsOut * groupsIn), groupsIn);
    }
  }
}
