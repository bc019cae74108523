import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Sparse mixture-of-experts gate: for logits [B, E] (or [..., E]), the softmax over each row's
 * k largest logits, exactly 0 for the other E − k entries. Ties go to the lower index, so the
 * choice is deterministic. Gradients flow only through the k selected logits: the others get
 * exactly 0, as in top-k routing where an unselected expert's logit does not affect the output.
 *
 * Selection is k passes of an argmax over the row (O(k·E)): gates choose among a handful of
 * experts, where that beats sorting, and it needs no scratch memory. The backward needs no
 * record of the choice either: it is the softmax derivative y ⊙ (g − y·g) over the row, written
 * as exactly 0 wherever the output is 0 (every unselected entry).
 */
export function topKGate(logits: Tensor, k: number): Tensor {
  const engine = logits.engine;
  engine.check(logits);
  if (logits.rank === 0) {
    throw new ShapeError(`topKGate: expected logits [rows, experts], got the scalar ${logits.describe()}. Pass one row of expert logits per sample.`);
  }
  const experts = logits.dim(-1);
  if (!Number.isInteger(k) || k < 1 || k > experts) {
    throw new ShapeError(
      `topKGate: k must be an integer in [1, ${experts}] (the number of experts, the last dimension of ${logits.describe()}), got ${k}. Pick how many experts each row is routed to.`,
    );
  }
  const rows = logits.size / experts;
  const x = logits.data;
  const out = engine.empty(logits.shape);
  const y = out.data;
  y.fill(0);
  for (let r = 0; r < rows; r++) {
    const base = r * experts;
    // Mark the k winners with 1 in the (zeroed) output row; strict > keeps the lower index on ties.
    for (let pick = 0; pick < k; pick++) {
      let best = -1;
      for (let j = 0; j < experts; j++) {
        if (y[base + j] !== 0) continue;
        if (best < 0 || x[base + j]! > x[base + best]!) best = j;
      }
      y[base + best] = 1;
    }
    let largest = -Infinity;
    for (let j = 0; j < experts; j++) if (y[base + j] !== 0) largest = Math.max(largest, x[base + j]!);
    let total = 0;
    for (let j = 0; j < experts; j++) {
      if (y[base + j] === 0) continue;
      const e = Math.exp(x[base + j]! - largest);
      y[base + j] = e;
      total += e;
    }
    for (let j = 0; j < experts; j++) y[base + j]! /= total;
  }
  const node = engine.record(topKGateBackward, out, logits);
  if (node !== null) {
    node.n0 = rows;
    node.n1 = experts;
  }
  return out;
}

function topKGateBackward(node: TapeNode): void {
  const logits = node.a!;
  const engine = logits.engine;
  if (!engine.needsGrad(logits)) return;
  const beta = engine.claimGrad(logits);
  const rows = node.n0;
  const experts = node.n1;
  const y = node.out.data;
  const g = node.out.grad!;
  const grad = logits.grad!;
  for (let r = 0; r < rows; r++) {
    const base = r * experts;
    let dot = 0;
    for (let j = 0; j < experts; j++) dot += g[base + j]! * y[base + j]!;
    for (let j = 0; j < experts; j++) {
      const weight = y[base + j]!;
      const d = weight === 0 ? 0 : weight * (g[base + j]! - dot);
      grad[base + j] = beta === 0 ? d : grad[base + j]! + d;
    }
  }
}
