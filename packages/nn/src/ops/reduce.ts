import type { TapeNode } from "../autodiff/tape-node.js";
import type { Tensor } from "../tensor/tensor.js";
import { resolveAxis, splitAtAxis } from "./op-helpers.js";

/** Options of `sum` and `mean` along an axis. */
export interface ReduceOptions {
  /** Keep the reduced axis with size 1 (default false). */
  readonly keepDims?: boolean;
}

/** Sum of all elements (shape []), or along `axis`. */
export function sum(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduce("sum", x, axis, options, false);
}

/** Mean of all elements (shape []), or along `axis`. */
export function mean(x: Tensor, axis?: number, options: ReduceOptions = {}): Tensor {
  return reduce("mean", x, axis, options, true);
}

function reduce(op: string, x: Tensor, axis: number | undefined, options: ReduceOptions, average: boolean): Tensor {
  const engine = x.engine;
  engine.check(x);
  let outer: number;
  let length: number;
  let inner: number;
  let outShape: number[];
  if (axis === undefined) {
    outer = 1;
    length = x.size;
    inner = 1;
    outShape = options.keepDims === true ? x.shape.map(() => 1) : [];
  } else {
    const resolved = resolveAxis(op, x, axis);
    ({ outer, length, inner } = splitAtAxis(x.shape, resolved));
    outShape = options.keepDims === true ? x.shape.map((dim, i) => (i === resolved ? 1 : dim)) : x.shape.filter((_, i) => i !== resolved);
  }
  const out = engine.empty(outShape);
  const factor = average ? 1 / length : 1;
  const input = x.data;
  const output = out.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      // Accumulate in float64: long sums in float32 lose digits.
      let total = 0;
      const base = o * length * inner + i;
      for (let l = 0; l < length; l++) total += input[base + l * inner]!;
      output[o * inner + i] = total * factor;
    }
  }
  const node = engine.record(reduceBackward, out, x);
  if (node !== null) {
    node.n0 = outer;
    node.n1 = length;
    node.n2 = inner;
    node.n3 = factor;
  }
  return out;
}

function reduceBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGrad(x);
  const outer = node.n0;
  const length = node.n1;
  const inner = node.n2;
  const factor = node.n3;
  const g = node.out.grad!;
  const grad = x.grad!;
  for (let o = 0; o < outer; o++) {
    for (let l = 0; l < length; l++) {
      const base = (o * length + l) * inner;
      for (let i = 0; i < inner; i++) {
        const d = g[o * inner + i]! * factor;
        grad[base + i] = beta === 0 ? d : grad[base + i]! + d;
      }
    }
  }
}
