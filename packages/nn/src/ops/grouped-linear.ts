import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { activationCodes, applyActivation, multiplyByActivationDerivative, type Activation } from "./activation.js";
import { viewFrom } from "./offset-view.js";

/**
 * G independent linear layers in one op: out[g] = activation(x_g · weight[g]ᵀ + bias[g]), the
 * building block of mixture-of-experts layers (every expert sees the same batch) and of
 * soft-modularization modules (each module sees its own mixed input).
 *
 * - `x` is [B, D], shared by every group, or [G, B, D], one input per group;
 * - `weight` is [G, O, D]: torch.nn.Linear's [out, in] per group;
 * - `bias` is [G, O] or null;
 * - the result is [G, B, O].
 *
 * Per group it does exactly what `linear` does (one GEMM, then bias and activation written into
 * the same output buffer), so it gives the same bits as G separate `linear` calls while recording
 * one tape node instead of G plus a stack. Backward computes only what is asked for; a shared x
 * receives the sum of every group's input gradient.
 */
export function groupedLinear(x: Tensor, weight: Tensor, bias: Tensor | null, activation: Activation = "identity"): Tensor {
  const engine = x.engine;
  engine.check(x);
  engine.check(weight);
  if (weight.rank !== 3) {
    throw new ShapeError(
      `groupedLinear: weight must be [groups, out, in] (one [out, in] matrix per group, as torch.nn.Linear stores it), got ${weight.describe()}. Pass a rank-3 weight.`,
    );
  }
  const groups = weight.dim(0);
  const outFeatures = weight.dim(1);
  const inFeatures = weight.dim(2);
  const shared = x.rank === 2;
  const matches = x.dim(-1) === inFeatures && (shared || (x.rank === 3 && x.dim(0) === groups));
  if (!matches) {
    throw new ShapeError(
      `groupedLinear: x must be [rows, ${inFeatures}] (shared by every group) or [${groups}, rows, ${inFeatures}] (one input per group) for weight ${weight.describe()}, got ${x.describe()}. Check the layer's input size and group count.`,
    );
  }
  if (bias !== null) {
    engine.check(bias);
    if (bias.rank !== 2 || bias.dim(0) !== groups || bias.dim(1) !== outFeatures) {
      throw new ShapeError(
        `groupedLinear: bias must be [${groups}, ${outFeatures}] (one [out] vector per group) for weight ${weight.describe()}, got ${bias.describe()}. Pass a bias of that shape or null.`,
      );
    }
  }
  const rows = shared ? x.dim(0) : x.dim(1);
  const out = engine.empty([groups, rows, outFeatures]);
  const kernels = engine.kernels;
  const inputStride = shared ? 0 : rows * inFeatures;
  for (let g = 0; g < groups; g++) {
    kernels.gemm(
      false, true, rows, outFeatures, inFeatures, 1,
      viewFrom(x.data, g * inputStride), inFeatures,
      viewFrom(weight.data, g * outFeatures * inFeatures), inFeatures,
      0, viewFrom(out.data, g * rows * outFeatures), outFeatures,
    );
  }
  const code = activationCodes[activation];
  // The same epilogue as `linear`: ReLU fused with the bias add, other activations after it.
  if (bias !== null) {
    for (let g = 0; g < groups; g++) {
      const block = viewFrom(out.data, g * rows * outFeatures);
      const groupBias = viewFrom(bias.data, g * outFeatures);
      if (code === 1) kernels.addBiasRelu(block, groupBias, rows, outFeatures, block);
      else kernels.addBiasRows(block, groupBias, rows, outFeatures, block);
    }
  }
  if (code === 1 && bias === null) kernels.reluForward(out.data, out.data);
  else if (code !== 1) applyActivation(code, out.data);
  const node = engine.record(groupedLinearBackward, out, x, weight, bias);
  if (node !== null) {
    node.flag = shared;
    node.n0 = code;
    node.n1 = groups;
    node.n2 = rows;
    node.n3 = inFeatures;
    node.n4 = outFeatures;
  }
  return out;
}

function groupedLinearBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b!;
  const bias = node.c;
  const out = node.out;
  const engine = out.engine;
  const kernels = engine.kernels;
  const shared = node.flag;
  const code = node.n0;
  const groups = node.n1;
  const rows = node.n2;
  const inFeatures = node.n3;
  const outFeatures = node.n4;
  const block = rows * outFeatures;
  // The output gradient is complete (all consumers ran); turn it into dZ in place.
  const dZ = out.grad!;
  if (engine.needsGrad(bias)) {
    const beta = engine.claimGrad(bias);
    if (code !== 1) multiplyByActivationDerivative(code, out.data, dZ);
    for (let g = 0; g < groups; g++) {
      const dZGroup = viewFrom(dZ, g * block);
      const biasGrad = viewFrom(bias.grad!, g * outFeatures);
      // ReLU's derivative and the bias gradient in one pass over the group's dZ.
      if (code === 1) kernels.reluBackwardSumRows(viewFrom(out.data, g * block), dZGroup, rows, outFeatures, dZGroup, beta, biasGrad);
      else kernels.sumRows(dZGroup, rows, outFeatures, beta, biasGrad);
    }
  } else if (code === 1) {
    kernels.reluBackward(out.data, dZ, dZ);
  } else {
    multiplyByActivationDerivative(code, out.data, dZ);
  }
  const inputStride = shared ? 0 : rows * inFeatures;
  const weightBlock = outFeatures * inFeatures;
  if (engine.needsGrad(weight)) {
    const beta = engine.claimGrad(weight);
    for (let g = 0; g < groups; g++) {
      kernels.gemm(
        true, false, outFeatures, inFeatures, rows, 1,
        viewFrom(dZ, g * block), outFeatures,
        viewFrom(x.data, g * inputStride), inFeatures,
        beta, viewFrom(weight.grad!, g * weightBlock), inFeatures,
      );
    }
  }
  if (!engine.needsGrad(x)) return;
  const claimed = engine.claimGrad(x);
  if (!shared) {
    for (let g = 0; g < groups; g++) {
      kernels.gemm(
        false, false, rows, inFeatures, outFeatures, 1,
        viewFrom(dZ, g * block), outFeatures,
        viewFrom(weight.data, g * weightBlock), inFeatures,
        claimed, viewFrom(x.grad!, g * inputStride), inFeatures,
      );
    }
    return;
  }
  if (groups === 0 && claimed === 0) x.grad!.fill(0);
  // Last group first: the order in which G separate layers' backward passes would add their
  // contributions, so the shared input's gradient has the same bits as with separate layers.
  for (let g = groups - 1; g >= 0; g--) {
    kernels.gemm(
      false, false, rows, inFeatures, outFeatures, 1,
      viewFrom(dZ, g * block), outFeatures,
      viewFrom(weight.data, g * weightBlock), inFeatures,
      g === groups - 1 ? claimed : 1, x.grad!, inFeatures,
    );
  }
}
