import type { TapeNode } from "../autodiff/tape-node.js";
import type { Tensor } from "../tensor/tensor.js";

/** softmax over the last dimension (max-subtracted, so large logits do not overflow). */
export function softmax(x: Tensor): Tensor {
  const engine = x.engine;
  engine.check(x);
  const width = x.dim(-1);
  const rows = x.size / width;
  const out = engine.empty(x.shape);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let largest = -Infinity;
    for (let j = 0; j < width; j++) largest = Math.max(largest, x.data[base + j]!);
    let total = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.exp(x.data[base + j]! - largest);
      out.data[base + j] = e;
      total += e;
    }
    for (let j = 0; j < width; j++) out.data[base + j]! /= total;
  }
  const node = engine.record(softmaxBackward, out, x);
  if (node !== null) {
    node.n0 = rows;
    node.n1 = width;
  }
  return out;
}

function softmaxBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGrad(x);
  const rows = node.n0;
  const width = node.n1;
  const y = node.out.data;
  const g = node.out.grad!;
  const grad = x.grad!;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    // dx = y ⊙ (g − Σ g·y)
    let dot = 0;
    for (let j = 0; j < width; j++) dot += g[base + j]! * y[base + j]!;
    for (let j = 0; j < width; j++) {
      const d = y[base + j]! * (g[base + j]! - dot);
      grad[base + j] = beta === 0 ? d : grad[base + j]! + d;
    }
  }
}
