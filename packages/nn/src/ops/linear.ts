import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import type { Kernels } from "../kernels/kernels.js";
import { activationCodes, applyActivation, multiplyByActivationDerivative, type Activation } from "./activation.js";

/**
 * activation(x · weightᵀ + bias), fused into one tape node: GEMM, bias and activation write the
 * same output buffer, and the backward turns the output gradient into the pre-activation gradient
 * in place. `weight` is [out, in] as in torch.nn.Linear; `x` is [..., in].
 *
 * `x` may also be a list of [rows, in_p] parts standing for their concatenation along features
 * (Σ in_p = in): one GEMM per part against its columns of the weight, so the concatenated input
 * is never built, and the backward computes the input gradient of only the parts that need one
 * (the SAC actor loss needs d/d(action) of the critic's first layer, 4 of its 53 columns).
 *
 * Backward computes only what is needed: no weight/bias gradient when they are not asked for
 * (the SAC actor loss through a frozen critic), no input gradient for the first layer.
 */
export function linear(x: Tensor | readonly Tensor[], weight: Tensor, bias: Tensor | null, activation: Activation = "identity"): Tensor {
  if (!(x instanceof Tensor)) return x.length === 1 ? linear(x[0]!, weight, bias, activation) : linearOfParts(x, weight, bias, activation);
  const engine = x.engine;
  engine.check(x);
  engine.check(weight);
  const inFeatures = x.dim(-1);
  if (weight.rank !== 2 || weight.dim(1) !== inFeatures) {
    throw new ShapeError(
      `linear: weight must be [out, ${inFeatures}] for input ${x.describe()}, got ${weight.describe()}. Check the layer's input size.`,
    );
  }
  const outFeatures = weight.dim(0);
  if (bias !== null) {
    engine.check(bias);
    if (bias.size !== outFeatures) {
      throw new ShapeError(`linear: bias must have ${outFeatures} elements for ${weight.describe()}, got ${bias.describe()}.`);
    }
  }
  const rows = x.size / inFeatures;
  const outShape = x.shape.length === 2 ? [rows, outFeatures] : [...x.shape.slice(0, -1), outFeatures];
  const out = engine.empty(outShape);
  const kernels = engine.kernels;
  kernels.gemm(false, true, rows, outFeatures, inFeatures, 1, x.data, inFeatures, weight.data, inFeatures, 0, out.data, outFeatures);
  const code = activationCodes[activation];
  applyBiasAndActivation(kernels, out.data, bias, rows, outFeatures, code);
  const node = engine.record(linearBackward, out, x, weight, bias);
  if (node !== null) {
    node.n0 = code;
    node.n1 = rows;
    node.n2 = inFeatures;
    node.n3 = outFeatures;
  }
  return out;
}

/** The epilogue of a linear layer, in place: + bias, then the activation (fused for ReLU). */
function applyBiasAndActivation(kernels: Kernels, out: Float32Array, bias: Tensor | null, rows: number, cols: number, code: number): void {
  if (code === 1 && bias !== null) {
    kernels.addBiasRelu(out, bias.data, rows, cols, out);
  } else {
    if (bias !== null) kernels.addBiasRows(out, bias.data, rows, cols, out);
    if (code === 1) kernels.reluForward(out, out);
    else applyActivation(code, out);
  }
}

/** The output gradient of a linear node turned into dZ in place, and the bias gradient. */
function preActivationGradient(node: TapeNode, bias: Tensor | null, rows: number, outFeatures: number): Float32Array {
  const out = node.out;
  const engine = out.engine;
  const kernels = engine.kernels;
  const code = node.n0;
  // The output gradient is complete (all consumers ran); turn it into dZ in place.
  const dZ = out.grad!;
  const biasGrad = engine.needsGrad(bias);
  if (code === 1 && biasGrad) {
    // ReLU's derivative and the bias gradient in one pass over dZ.
    kernels.reluBackwardSumRows(out.data, dZ, rows, outFeatures, dZ, engine.claimGrad(bias), bias.grad!);
  } else {
    if (code === 1) kernels.reluBackward(out.data, dZ, dZ);
    else multiplyByActivationDerivative(code, out.data, dZ);
    if (biasGrad) kernels.sumRows(dZ, rows, outFeatures, engine.claimGrad(bias), bias.grad!);
  }
  return dZ;
}

/**
 * The view of `matrix` (row stride `stride`) that starts at column `column`, as kernels take
 * sub-blocks: cached per array so that steady-state steps create no views.
 */
const columnViews = new WeakMap<Float32Array, Map<number, Float32Array>>();
function fromColumn(matrix: Float32Array, column: number): Float32Array {
  if (column === 0) return matrix;
  let views = columnViews.get(matrix);
  if (views === undefined) {
    views = new Map();
    columnViews.set(matrix, views);
  }
  let view = views.get(column);
  if (view === undefined) {
    view = matrix.subarray(column);
    views.set(column, view);
  }
  return view;
}

function linearOfParts(parts: readonly Tensor[], weight: Tensor, bias: Tensor | null, activation: Activation): Tensor {
  const first = parts[0];
  if (first === undefined) throw new ShapeError("linear: expected an input tensor or a non-empty list of parts, got an empty list.");
  const engine = first.engine;
  engine.check(weight);
  const rows = first.dim(0);
  let inFeatures = 0;
  for (const part of parts) {
    engine.check(part);
    if (part.rank !== 2 || part.dim(0) !== rows) {
      throw new ShapeError(
        `linear: input parts must all be [rows, features] with the same rows; got ${parts.map((p) => p.describe()).join(", ")}.`,
      );
    }
    inFeatures += part.dim(1);
  }
  if (weight.rank !== 2 || weight.dim(1) !== inFeatures) {
    throw new ShapeError(
      `linear: weight must be [out, ${inFeatures}] for input parts ${parts.map((p) => p.describe()).join(" ‖ ")}, got ${weight.describe()}. Check the layer's input size.`,
    );
  }
  const outFeatures = weight.dim(0);
  if (bias !== null) {
    engine.check(bias);
    if (bias.size !== outFeatures) {
      throw new ShapeError(`linear: bias must have ${outFeatures} elements for ${weight.describe()}, got ${bias.describe()}.`);
    }
  }
  const out = engine.empty([rows, outFeatures]);
  const kernels = engine.kernels;
  let column = 0;
  for (const part of parts) {
    const width = part.dim(1);
    kernels.gemm(false, true, rows, outFeatures, width, 1, part.data, width, fromColumn(weight.data, column), inFeatures, column === 0 ? 0 : 1, out.data, outFeatures);
    column += width;
  }
  const code = activationCodes[activation];
  applyBiasAndActivation(kernels, out.data, bias, rows, outFeatures, code);
  const node = engine.recordList(linearOfPartsBackward, out, parts, weight, bias);
  if (node !== null) {
    node.n0 = code;
    node.n1 = rows;
    node.n2 = inFeatures;
    node.n3 = outFeatures;
  }
  return out;
}

function linearOfPartsBackward(node: TapeNode): void {
  const weight = node.b!;
  const bias = node.c;
  const engine = node.out.engine;
  const kernels = engine.kernels;
  const rows = node.n1;
  const inFeatures = node.n2;
  const outFeatures = node.n3;
  const dZ = preActivationGradient(node, bias, rows, outFeatures);
  const weightBeta = engine.needsGrad(weight) ? engine.claimGrad(weight) : -1;
  let column = 0;
  for (const part of node.list!) {
    const width = part.dim(1);
    if (weightBeta >= 0) {
      // This part's columns of dW = dZᵀ · part (the parts' blocks do not overlap).
      kernels.gemm(true, false, outFeatures, width, rows, 1, dZ, outFeatures, part.data, width, weightBeta, fromColumn(weight.grad!, column), inFeatures);
    }
    if (engine.needsGrad(part)) {
      const beta = engine.claimGrad(part);
      kernels.gemm(false, false, rows, width, outFeatures, 1, dZ, outFeatures, fromColumn(weight.data, column), inFeatures, beta, part.grad!, width);
    }
    column += width;
  }
}

function linearBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b!;
  const bias = node.c;
  const out = node.out;
  const engine = out.engine;
  const kernels = engine.kernels;
  const rows = node.n1;
  const inFeatures = node.n2;
  const outFeatures = node.n3;
  const dZ = preActivationGradient(node, bias, rows, outFeatures);
  if (engine.needsGrad(weight)) {
    const beta = engine.claimGrad(weight);
    kernels.gemm(true, false, outFeatures, inFeatures, rows, 1, dZ, outFeatures, x.data, inFeatures, beta, weight.grad!, inFeatures);
  }
  if (engine.needsGrad(x)) {
    const beta = engine.claimGrad(x);
    kernels.gemm(false, false, rows, inFeatures, outFeatures, 1, dZ, outFeatures, weight.data, inFeatures, beta, x.grad!, inFeatures);
  }
}
