import type { TapeNode } from "../autodiff/tape-node.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertSameShape } from "./op-helpers.js";

/** mean((prediction − target)²) as a scalar; gradients flow to both sides when they need them. */
export function mseLoss(prediction: Tensor, target: Tensor): Tensor {
  const engine = prediction.engine;
  engine.check(prediction);
  engine.check(target);
  assertSameShape("mseLoss", prediction, target);
  const out = engine.empty([]);
  let total = 0;
  for (let i = 0; i < prediction.size; i++) {
    const diff = prediction.data[i]! - target.data[i]!;
    total += diff * diff;
  }
  out.data[0] = total / prediction.size;
  engine.record(mseBackward, out, prediction, target);
  return out;
}

function mseBackward(node: TapeNode): void {
  const prediction = node.a!;
  const target = node.b!;
  const engine = prediction.engine;
  const factor = (2 * node.out.grad![0]!) / prediction.size;
  for (const [side, sign] of [[prediction, 1], [target, -1]] as const) {
    if (!engine.needsGrad(side)) continue;
    const beta = engine.claimGrad(side);
    const grad = side.grad!;
    for (let i = 0; i < prediction.size; i++) {
      const d = sign * factor * (prediction.data[i]! - target.data[i]!);
      grad[i] = beta === 0 ? d : grad[i]! + d;
    }
  }
}
