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
 * Gradients flow to both y and the weights. The weights differ per row, so this is B small
 * [Gout, Gin] × [Gin, H] products; each direction is one `mixRows` / `mixRowsWeightGrad` kernel
 * call for all of them. One GEMM call per row, as this op made before, spent most of its time in
 * the calls: forward + backward at [4, 1280, 128] × [1280, 4, 4] took 4.4 ms (native) and 6.9 ms
 * (wasm) on one thread, against 1.1 and 1.9 ms in one call per direction; at [4, 128, 128]
 * 0.47 / 0.41 ms against 0.14 / 0.16 ms (medians, bench/mix-groups.ts times the current op).
 * Plain JavaScript loops are slower still (V8 runs scalar float32 loops at ~3 ns per
 * multiply-add here).
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
  // Row b: out[:, b, :] (Gout × H) = W_b (Gout × Gin) · y[:, b, :] (Gin × H); zeros when Gin = 0.
  engine.kernels.mixRows(false, groupsOut, groupsIn, rows, features, weights.data, y.data, 0, out.data);
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
  if (engine.needsGrad(y)) {
    // dy[:, b, :] = W_bᵀ · dOut[:, b, :] (zeros, or unchanged on accumulation, when Gout = 0)
    const beta = engine.claimGrad(y);
    kernels.mixRows(true, groupsOut, groupsIn, rows, features, weights.data, dOut, beta, y.grad!);
  }
  if (engine.needsGrad(weights)) {
    // dW_b = dOut[:, b, :] · y[:, b, :]ᵀ
    const beta = engine.claimGrad(weights);
    kernels.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, dOut, y.data, beta, weights.grad!);
  }
}
