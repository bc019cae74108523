import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { activationCodes, applyActivation, multiplyByActivationDerivative, type Activation } from "./activation.js";

/**
 * activation(x · weightᵀ + bias), fused into one tape node: GEMM, bias and activation write the
 * same output buffer, and the backward turns the output gradient into the pre-activation gradient
 * in place. `weight` is [out, in] as in torch.nn.Linear; `x` is [..., in].
 *
 * Backward computes only what is needed: no weight/bias gradient when they are not asked for
 * (the SAC actor loss through a frozen critic), no input gradient for the first layer.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null, activation: Activation = "identity"): Tensor {
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
  if (code === 1 && bias !== null) {
    kernels.addBiasRelu(out.data, bias.data, rows, outFeatures, out.data);
  } else {
    if (bias !== null) kernels.addBiasRows(out.data, bias.data, rows, outFeatures, out.data);
    if (code === 1) kernels.reluForward(out.data, out.data);
    else applyActivation(code, out.data);
  }
  const node = engine.record(linearBackward, out, x, weight, bias);
  if (node !== null) {
    node.n0 = code;
    node.n1 = rows;
    node.n2 = inFeatures;
    node.n3 = outFeatures;
  }
  return out;
}

function linearBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b!;
  const bias = node.c;
  const out = node.out;
  const engine = out.engine;
  const kernels = engine.kernels;
  const code = node.n0;
  const rows = node.n1;
  const inFeatures = node.n2;
  const outFeatures = node.n3;
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
  if (engine.needsGrad(weight)) {
    const beta = engine.claimGrad(weight);
    kernels.gemm(true, false, outFeatures, inFeatures, rows, 1, dZ, outFeatures, x.data, inFeatures, beta, weight.grad!, inFeatures);
  }
  if (engine.needsGrad(x)) {
    const beta = engine.claimGrad(x);
    kernels.gemm(false, false, rows, inFeatures, outFeatures, 1, dZ, outFeatures, weight.data, inFeatures, beta, x.grad!, inFeatures);
  }
}
