import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * log(softmax(x)) over the last dimension, computed as x − max − log Σ exp(x − max): stable
 * where log(softmax(x)) is not (a probability that underflows to 0 would give −∞ and NaN
 * gradients). What categorical log-likelihoods and entropies need.
 */
export function logSoftmax(x: Tensor): Tensor {
  const engine = x.engine;
  engine.check(x);
  if (x.rank === 0) {
    throw new ShapeError(`logSoftmax: expected at least one dimension to normalise over, got the scalar ${x.describe()}. Pass [..., classes].`);
  }
  const width = x.dim(-1);
  const rows = width === 0 ? 0 : x.size / width;
  const out = engine.empty(x.shape);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let largest = -Infinity;
    for (let j = 0; j < width; j++) largest = Math.max(largest, x.data[base + j]!);
    let total = 0;
    for (let j = 0; j < width; j++) total += Math.exp(x.data[base + j]! - largest);
    const shift = largest + Math.log(total);
    for (let j = 0; j < width; j++) out.data[base + j] = x.data[base + j]! - shift;
  }
  const node = engine.record(logSoftmaxBackward, out, x);
  if (node !== null) {
    node.n0 = rows;
    node.n1 = width;
  }
  return out;
}

function logSoftmaxBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGrad(x);
  const rows = node.n0;
  const width = node.n1;
  const logProbabilities = node.out.data;
  const g = node.out.grad!;
  const grad = x.grad!;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    // dx = g − softmax(x) · Σ g
    let total = 0;
    for (let j = 0; j < width; j++) total += g[base + j]!;
    for (let j = 0; j < width; j++) {
      const d = g[base + j]! - Math.exp(logProbabilities[base + j]!) * total;
      grad[base + j] = beta === 0 ? d : grad[base + j]! + d;
    }
  }
}
