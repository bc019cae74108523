import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import { formatShape, sameShape, type Tensor } from "../tensor/tensor.js";

/**
 * Elementwise binary ops. Shapes must match, or one side must have a single element (a scalar,
 * broadcast to the other side's shape) — the cases the losses need. Bias rows use `addBias`.
 */
const enum BinaryKind {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Minimum = 3,
  Maximum = 4,
  Divide = 5,
}

export function add(a: Tensor, b: Tensor): Tensor {
  return binary("add", BinaryKind.Add, a, b);
}
export function sub(a: Tensor, b: Tensor): Tensor {
  return binary("sub", BinaryKind.Sub, a, b);
}
export function mul(a: Tensor, b: Tensor): Tensor {
  return binary("mul", BinaryKind.Mul, a, b);
}
/** Elementwise a / b (IEEE: a zero divisor gives ±Infinity or NaN, as in torch). */
export function div(a: Tensor, b: Tensor): Tensor {
  return binary("div", BinaryKind.Divide, a, b);
}
/** Elementwise min; on ties the gradient goes to `a` (as torch.min does to one side). */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return binary("minimum", BinaryKind.Minimum, a, b);
}
/** Elementwise max; on ties the gradient goes to `a`. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return binary("maximum", BinaryKind.Maximum, a, b);
}

function binary(op: string, kind: BinaryKind, a: Tensor, b: Tensor): Tensor {
  const engine = a.engine;
  engine.check(a);
  engine.check(b);
  if (!sameShape(a.shape, b.shape) && a.size !== 1 && b.size !== 1) {
    throw new ShapeError(
      `${op}: shapes ${formatShape(a.shape)} (${a.describe()}) and ${formatShape(b.shape)} (${b.describe()}) do not match; pass equal shapes or a one-element tensor.`,
    );
  }
  const out = engine.empty(a.size >= b.size ? a.shape : b.shape);
  const n = out.size;
  const strideA = a.size === 1 && n !== 1 ? 0 : 1;
  const strideB = b.size === 1 && n !== 1 ? 0 : 1;
  const x = a.data;
  const y = b.data;
  const z = out.data;
  if (strideA === 1 && strideB === 1 && kind <= BinaryKind.Mul) {
    // Equal shapes, the common case: one tight loop per kind (V8 does not hoist the switch).
    if (kind === BinaryKind.Add) for (let i = 0; i < n; i++) z[i] = x[i]! + y[i]!;
    else if (kind === BinaryKind.Sub) for (let i = 0; i < n; i++) z[i] = x[i]! - y[i]!;
    else for (let i = 0; i < n; i++) z[i] = x[i]! * y[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      const u = x[i * strideA]!;
      const v = y[i * strideB]!;
      z[i] = combine(kind, u, v);
    }
  }
  const node = engine.record(binaryBackward, out, a, b);
  if (node !== null) {
    node.n0 = kind;
    node.n1 = strideA;
    node.n2 = strideB;
  }
  return out;
}

function combine(kind: BinaryKind, u: number, v: number): number {
  switch (kind) {
    case BinaryKind.Add:
      return u + v;
    case BinaryKind.Sub:
      return u - v;
    case BinaryKind.Mul:
      return u * v;
    case BinaryKind.Minimum:
      return u <= v ? u : v;
    case BinaryKind.Maximum:
      return u >= v ? u : v;
    case BinaryKind.Divide:
      return u / v;
  }
}

function binaryBackward(node: TapeNode): void {
  const a = node.a!;
  const b = node.b!;
  const engine = a.engine;
  const kind = node.n0 as BinaryKind;
  const strideA = node.n1;
  const strideB = node.n2;
  const g = node.out.grad!;
  const n = node.out.size;
  const x = a.data;
  const y = b.data;
  for (const [target, isA] of [[a, true], [b, false]] as const) {
    if (!engine.needsGrad(target)) continue;
    const beta = engine.claimGrad(target);
    const grad = target.grad!;
    const stride = isA ? strideA : strideB;
    if (stride === 0) {
      // A broadcast scalar collects the sum of its contributions.
      let total = 0;
      for (let i = 0; i < n; i++) total += g[i]! * localDerivative(kind, isA, x[i * strideA]!, y[i * strideB]!);
      grad[0] = beta === 0 ? total : grad[0]! + total;
      continue;
    }
    if (strideA === 1 && strideB === 1 && kind <= BinaryKind.Mul) {
      // Equal shapes: d(a + b) = g, d(a − b) = ±g, d(a · b) = g · (the other side).
      const sign = kind === BinaryKind.Sub && !isA ? -1 : 1;
      const other = isA ? y : x;
      if (kind === BinaryKind.Mul) {
        if (beta === 0) for (let i = 0; i < n; i++) grad[i] = g[i]! * other[i]!;
        else for (let i = 0; i < n; i++) grad[i]! += g[i]! * other[i]!;
      } else if (beta === 0) {
        for (let i = 0; i < n; i++) grad[i] = sign * g[i]!;
      } else {
        for (let i = 0; i < n; i++) grad[i]! += sign * g[i]!;
      }
      continue;
    }
    for (let i = 0; i < n; i++) {
      const d = g[i]! * localDerivative(kind, isA, x[i * strideA]!, y[i * strideB]!);
      grad[i] = beta === 0 ? d : grad[i]! + d;
    }
  }
}

function localDerivative(kind: BinaryKind, isA: boolean, u: number, v: number): number {
  switch (kind) {
    case BinaryKind.Add:
      return 1;
    case BinaryKind.Sub:
      return isA ? 1 : -1;
    case BinaryKind.Mul:
      return isA ? v : u;
    case BinaryKind.Minimum:
      return (u <= v) === isA ? 1 : 0;
    case BinaryKind.Maximum:
      return (u >= v) === isA ? 1 : 0;
    case BinaryKind.Divide:
      // d(u/v)/du = 1/v, d(u/v)/dv = −u/v²
      return isA ? 1 / v : -u / (v * v);
  }
}

/** x * factor + offset, elementwise, with constants. */
export function affine(x: Tensor, factor: number, offset = 0): Tensor {
  const engine = x.engine;
  engine.check(x);
  const out = engine.empty(x.shape);
  engine.kernels.affine(x.data, factor, offset, out.data);
  const node = engine.record(affineBackward, out, x);
  if (node !== null) node.n0 = factor;
  return out;
}

/** x * factor. */
export function scale(x: Tensor, factor: number): Tensor {
  return affine(x, factor, 0);
}

function affineBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGrad(x);
  const factor = node.n0;
  const g = node.out.grad!;
  const grad = x.grad!;
  for (let i = 0; i < x.size; i++) grad[i] = beta === 0 ? g[i]! * factor : grad[i]! + g[i]! * factor;
}

/** x[i, j] + bias[j] for x of shape [..., n] and bias of n elements. */
export function addBias(x: Tensor, bias: Tensor): Tensor {
  const engine = x.engine;
  engine.check(x);
  engine.check(bias);
  const cols = x.dim(-1);
  if (bias.size !== cols) {
    throw new ShapeError(`addBias: bias must have ${cols} elements (the last dimension of ${x.describe()}), got ${bias.describe()}.`);
  }
  const out = engine.empty(x.shape);
  const rows = x.size / cols;
  engine.kernels.addBiasRows(x.data, bias.data, rows, cols, out.data);
  const node = engine.record(addBiasBackward, out, x, bias);
  if (node !== null) {
    node.n0 = rows;
    node.n1 = cols;
  }
  return out;
}

function addBiasBackward(node: TapeNode): void {
  const x = node.a!;
  const bias = node.b!;
  const engine = x.engine;
  const g = node.out.grad!;
  if (engine.needsGrad(x)) {
    const beta = engine.claimGrad(x);
    if (beta === 0) x.grad!.set(g);
    else for (let i = 0; i < g.length; i++) x.grad![i]! += g[i]!;
  }
  if (engine.needsGrad(bias)) {
    const beta = engine.claimGrad(bias);
    engine.kernels.sumRows(g, node.n0, node.n1, beta, bias.grad!);
  }
}
