import type { TapeNode } from "../autodiff/tape-node.js";
import { ConfigError } from "@mtrl/core/errors";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { assertSameShape } from "./op-helpers.js";

/**
 * How a loss reduces its elementwise terms:
 * - "mean": one scalar, the mean over every element;
 * - "none": one value per row (dimension 0), the mean of that row's terms — per-sample losses
 *   to weight (prioritised replay) or to sum per task before averaging.
 */
export type LossReduction = "mean" | "none";

export interface MseLossOptions {
  /** Default "mean". */
  readonly reduction?: LossReduction;
}

/**
 * Squared error (prediction − target)², reduced by `options.reduction`: "mean" (default) gives
 * the scalar mean over all elements; "none" gives shape [B] with B = prediction.dim(0), each the
 * mean of that row's squared errors. Gradients flow to both sides when they need them.
 */
export function mseLoss(prediction: Tensor, target: Tensor, options: MseLossOptions = {}): Tensor {
  const engine = prediction.engine;
  engine.check(prediction);
  engine.check(target);
  assertSameShape("mseLoss", prediction, target);
  const reduction = options.reduction ?? "mean";
  if (reduction === "none") return perRowMseLoss(prediction, target);
  if (reduction !== "mean") {
    throw new ConfigError(`mseLoss: reduction must be "mean" or "none", got ${JSON.stringify(reduction)}.`);
  }
  const out = engine.empty([]);
  const predicted = prediction.data;
  const wanted = target.data;
  let total = 0;
  for (let i = 0; i < predicted.length; i++) {
    const diff = predicted[i]! - wanted[i]!;
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
  // Arrays hoisted out of the loops: these run over whole decoded images (8M values per batch).
  const predicted = prediction.data;
  const wanted = target.data;
  for (const [side, sign] of [[prediction, 1], [target, -1]] as const) {
    if (!engine.needsGrad(side)) continue;
    const beta = engine.claimGrad(side);
    const grad = side.grad!;
    const scale = sign * factor;
    const size = prediction.size;
    if (beta === 0) for (let i = 0; i < size; i++) grad[i] = scale * (predicted[i]! - wanted[i]!);
    else for (let i = 0; i < size; i++) grad[i] = grad[i]! + scale * (predicted[i]! - wanted[i]!);
  }
}

function perRowMseLoss(prediction: Tensor, target: Tensor): Tensor {
  const engine = prediction.engine;
  if (prediction.rank === 0) {
    throw new ShapeError(`mseLoss: reduction "none" gives one loss per row, but ${prediction.describe()} is a scalar. Pass [rows, ...] tensors or use reduction "mean".`);
  }
  const rows = prediction.dim(0);
  const width = rows === 0 ? 0 : prediction.size / rows;
  const out = engine.empty([rows]);
  for (let b = 0; b < rows; b++) {
    let total = 0;
    for (let i = b * width; i < (b + 1) * width; i++) {
      const diff = prediction.data[i]! - target.data[i]!;
      total += diff * diff;
    }
    out.data[b] = total / width;
  }
  const node = engine.record(perRowMseBackward, out, prediction, target);
  if (node !== null) {
    node.n0 = rows;
    node.n1 = width;
  }
  return out;
}

function perRowMseBackward(node: TapeNode): void {
  const prediction = node.a!;
  const target = node.b!;
  const engine = prediction.engine;
  const rows = node.n0;
  const width = node.n1;
  const g = node.out.grad!;
  for (const [side, sign] of [[prediction, 1], [target, -1]] as const) {
    if (!engine.needsGrad(side)) continue;
    const beta = engine.claimGrad(side);
    const grad = side.grad!;
    for (let b = 0; b < rows; b++) {
      const factor = (sign * 2 * g[b]!) / width;
      for (let i = b * width; i < (b + 1) * width; i++) {
        const d = factor * (prediction.data[i]! - target.data[i]!);
        grad[i] = beta === 0 ? d : grad[i]! + d;
      }
    }
  }
}
