import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/** Transpose flags of `matmul`: op(X) = Xᵀ when set. */
export interface MatmulOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
}

/** op(a) · op(b) for 2-D tensors, through the backend's GEMM. */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const engine = a.engine;
  engine.check(a);
  engine.check(b);
  const transA = options.transA === true;
  const transB = options.transB === true;
  if (a.rank !== 2 || b.rank !== 2) {
    throw new ShapeError(`matmul: expected 2-D tensors, got ${a.describe()} and ${b.describe()}. Use bmm for batches or reshape first.`);
  }
  const m = transA ? a.dim(1) : a.dim(0);
  const k = transA ? a.dim(0) : a.dim(1);
  const kB = transB ? b.dim(1) : b.dim(0);
  const n = transB ? b.dim(0) : b.dim(1);
  if (k !== kB) {
    throw new ShapeError(
      `matmul: inner dimensions differ: op(a) is ${m}×${k} (${a.describe()}, transA=${transA}) but op(b) is ${kB}×${n} (${b.describe()}, transB=${transB}).`,
    );
  }
  const out = engine.empty([m, n]);
  engine.kernels.gemm(transA, transB, m, n, k, 1, a.data, a.dim(1), b.data, b.dim(1), 0, out.data, n);
  const node = engine.record(matmulBackward, out, a, b);
  if (node !== null) {
    node.flag = transA;
    node.n0 = transB ? 1 : 0;
    node.n1 = m;
    node.n2 = n;
    node.n3 = k;
  }
  return out;
}

function matmulBackward(node: TapeNode): void {
  const a = node.a!;
  const b = node.b!;
  const out = node.out;
  const engine = out.engine;
  const kernels = engine.kernels;
  const transA = node.flag;
  const transB = node.n0 === 1;
  const m = node.n1;
  const n = node.n2;
  const k = node.n3;
  const dC = out.grad!;
  const ldb = transB ? k : n;
  const lda = transA ? m : k;
  if (engine.needsGrad(a)) {
    const beta = engine.claimGrad(a);
    // d op(A) = dC · op(B)ᵀ; stored transposed when transA.
    if (!transA) kernels.gemm(false, !transB, m, k, n, 1, dC, n, b.data, ldb, beta, a.grad!, k);
    else kernels.gemm(transB, true, k, m, n, 1, b.data, ldb, dC, n, beta, a.grad!, m);
  }
  if (engine.needsGrad(b)) {
    const beta = engine.claimGrad(b);
    // d op(B) = op(A)ᵀ · dC; stored transposed when transB.
    if (!transB) kernels.gemm(!transA, false, k, n, m, 1, a.data, lda, dC, n, beta, b.grad!, n);
    else kernels.gemm(true, transA, n, k, m, 1, dC, n, a.data, lda, beta, b.grad!, k);
  }
}
