import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { MatmulOptions } from "./matmul.js";

/**
 * Batched matmul: out[g] = op(a[g]) · op(b[g]) for g < G, the shape of mixture-of-experts and
 * multi-head layers. Either side may be 2-D and is then shared by every group (e.g. one input
 * batch [B, D] times E expert weights [E, D, H] → [E, B, H]); its gradient sums over groups.
 */
export function bmm(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const engine = a.engine;
  engine.check(a);
  engine.check(b);
  const transA = options.transA === true;
  const transB = options.transB === true;
  if ((a.rank !== 2 && a.rank !== 3) || (b.rank !== 2 && b.rank !== 3) || (a.rank === 2 && b.rank === 2)) {
    throw new ShapeError(`bmm: expected [G, M, K] × [G, K, N] (one side may be 2-D and shared), got ${a.describe()} and ${b.describe()}.`);
  }
  const groups = a.rank === 3 ? a.dim(0) : b.dim(0);
  if (a.rank === 3 && b.rank === 3 && a.dim(0) !== b.dim(0)) {
    throw new ShapeError(`bmm: group counts differ: ${a.describe()} has ${a.dim(0)}, ${b.describe()} has ${b.dim(0)}.`);
  }
  const m = transA ? a.dim(-1) : a.dim(-2);
  const k = transA ? a.dim(-2) : a.dim(-1);
  const kB = transB ? b.dim(-1) : b.dim(-2);
  const n = transB ? b.dim(-2) : b.dim(-1);
  if (k !== kB) {
    throw new ShapeError(`bmm: inner dimensions differ: op(a) is ${m}×${k} (${a.describe()}), op(b) is ${kB}×${n} (${b.describe()}).`);
  }
  const out = engine.empty([groups, m, n]);
  const strideA = a.rank === 3 ? m * k : 0;
  const strideB = b.rank === 3 ? k * n : 0;
  for (let g = 0; g < groups; g++) {
    engine.kernels.gemm(
      transA, transB, m, n, k, 1,
      group(a.data, g, strideA, m * k), a.dim(-1),
      group(b.data, g, strideB, k * n), b.dim(-1),
      0, group(out.data, g, m * n, m * n), n,
    );
  }
  const node = engine.record(bmmBackward, out, a, b);
  if (node !== null) {
    node.flag = transA;
    node.n0 = transB ? 1 : 0;
    node.n1 = m;
    node.n2 = n;
    node.n3 = k;
    node.n4 = groups;
  }
  return out;
}

function group(data: Float32Array, g: number, stride: number, length: number): Float32Array {
  return stride === 0 ? data : data.subarray(g * stride, g * stride + length);
}

function bmmBackward(node: TapeNode): void {
  const a = node.a!;
  const b = node.b!;
  const engine = a.engine;
  const kernels = engine.kernels;
  const transA = node.flag;
  const transB = node.n0 === 1;
  const m = node.n1;
  const n = node.n2;
  const k = node.n3;
  const groups = node.n4;
  const strideA = a.rank === 3 ? m * k : 0;
  const strideB = b.rank === 3 ? k * n : 0;
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const dOut = node.out.grad!;
  if (engine.needsGrad(a)) {
    const claimed = engine.claimGrad(a);
    for (let g = 0; g < groups; g++) {
      const beta = strideA === 0 && g > 0 ? 1 : claimed;
      const dC = group(dOut, g, m * n, m * n);
      const bG = group(b.data, g, strideB, k * n);
      const dA = group(a.grad!, g, strideA, m * k);
      if (!transA) kernels.gemm(false, !transB, m, k, n, 1, dC, n, bG, ldb, beta, dA, k);
      else kernels.gemm(transB, true, k, m, n, 1, bG, ldb, dC, n, beta, dA, m);
    }
  }
  if (engine.needsGrad(b)) {
    const claimed = engine.claimGrad(b);
    for (let g = 0; g < groups; g++) {
      const beta = strideB === 0 && g > 0 ? 1 : claimed;
      const dC = group(dOut, g, m * n, m * n);
      const aG = group(a.data, g, strideA, m * k);
      const dB = group(b.grad!, g, strideB, k * n);
      if (!transB) kernels.gemm(!transA, false, k, n, m, 1, aG, lda, dC, n, beta, dB, n);
      else kernels.gemm(true, transA, n, k, m, 1, dC, n, aG, lda, beta, dB, k);
    }
  }
}
