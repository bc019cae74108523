import type { Rng } from "@mtrl/core/rng";
import { ShapeError } from "../errors.js";
import type { Activation } from "../ops/activation.js";
import { groupedLinear } from "../ops/grouped-linear.js";
import type { Tensor } from "../tensor/tensor.js";
import { defaultLinearBound, uniformInit } from "./init.js";
import type { ParameterStore } from "./parameter-store.js";

export interface GroupedLinearOptions {
  /** Number of independent layers (experts, modules). */
  readonly groups: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Learn an additive bias per group (default true). */
  readonly bias?: boolean;
}

/**
 * G independent linear layers applied in one op (see `groupedLinear`): the experts of a mixture
 * of experts or the modules of one soft-modularization layer. Parameters are "weight" [G, out, in]
 * and "bias" [G, out]; every group is initialised like torch.nn.Linear, U(±1/√inFeatures).
 */
export class GroupedLinear {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(params: ParameterStore, options: GroupedLinearOptions, rng: Rng) {
    const { groups, inFeatures, outFeatures } = options;
    for (const [what, value] of [["groups", groups], ["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(value) || value <= 0) throw new ShapeError(`GroupedLinear: ${what} must be a positive integer, got ${value}.`);
    }
    const init = uniformInit(rng, defaultLinearBound(inFeatures));
    this.weight = params.create("weight", [groups, outFeatures, inFeatures], init);
    this.bias = options.bias === false ? null : params.create("bias", [groups, outFeatures], init);
  }

  /**
   * The layers on x [rows, in] (the same input for every group) or [groups, rows, in] (one input
   * per group), optionally followed by a fused activation; the result is [groups, rows, out].
   */
  forward(x: Tensor, activation: Activation = "identity"): Tensor {
    return groupedLinear(x, this.weight, this.bias, activation);
  }
}
