import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Row-broadcast product: out[b, ...] = x[b, ...] · s[b] for x [B, ...] and s [B] or [B, 1].
 * Scales each sample by its own factor — a gate value, an importance weight, a mask — which
 * `mul` cannot express (it broadcasts only a single element). Gradients flow to both sides.
 */
export function mulRows(x: Tensor, s: Tensor): Tensor {
  const engine = x.engine;
  engine.check(x);
  engine.check(s);
  if (x.rank === 0) {
    throw new ShapeError(`mulRows: x must have a row dimension ([rows, ...]), got the scalar ${x.describe()}. Use mul for a scalar.`);
  }
  const rows = x.dim(0);
  const columnVector = s.rank === 2 && s.dim(1) === 1;
  if (!((s.rank === 1 || columnVector) && s.dim(0) === rows)) {
    throw new ShapeError(
      `mulRows: s must be [${rows}] or [${rows}, 1] (one factor per row of x ${x.describe()}), got ${s.describe()}. Pass one factor per row.`,
    );
  }
  const width = rows === 0 ? 0 : x.size / rows;
  const out = engine.empty(x.shape);
  for (let b = 0; b < rows; b++) {
    const factor = s.data[b]!;
    const start = b * width;
    for (let i = start; i < start + width; i++) out.data[i] = x.data[i]! * factor;
  }
  const node = engine.record(mulRowsBackward, out, x, s);
  if (node !== null) {
    node.n0 = rows;
    node.n1 = width;
  }
  return out;
}

function mulRowsBackward(node: TapeNode): void {
  const x = node.a!;
  const s = node.b!;
  const engine = x.engine;
  const rows = node.n0;
  const width = node.n1;
  const g = node.out.grad!;
  if (engine.needsGrad(x)) {
    const beta = engine.claimGrad(x);
    const grad = x.grad!;
    for (let b = 0; b < rows; b++) {
      const factor = s.data[b]!;
      const start = b * width;
      for (let i = start; i < start + width; i++) grad[i] = beta === 0 ? g[i]! * factor : grad[i]! + g[i]! * factor;
    }
  }
  if (engine.needsGrad(s)) {
    const beta = engine.claimGrad(s);
    const grad = s.grad!;
    for (let b = 0; b < rows; b++) {
      const start = b * width;
      let dot = 0;
      for (let i = start; i < start + width; i++) dot += g[i]! * x.data[i]!;
      grad[b] = beta === 0 ? dot : grad[b]! + dot;
    }
  }
}
