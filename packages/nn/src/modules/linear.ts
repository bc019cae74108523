import type { Rng } from "@mtrl/core/rng";
import type { Activation } from "../ops/activation.js";
import { linear } from "../ops/linear.js";
import type { Tensor } from "../tensor/tensor.js";
import { ShapeError } from "../errors.js";
import { constantInit, defaultLinearBound, orthogonalInit, uniformInit } from "./init.js";
import type { ParameterStore } from "./parameter-store.js";

export interface LinearOptions {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Learn an additive bias (default true). */
  readonly bias?: boolean;
}

/**
 * y = x · weightᵀ + bias with weight [out, in] (torch.nn.Linear's layout and initialisation, or
 * an orthogonal weight and zero bias when the store's init scheme is "orthogonal").
 */
export class Linear {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(params: ParameterStore, options: LinearOptions, rng: Rng) {
    const { inFeatures, outFeatures } = options;
    for (const [what, value] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(value) || value <= 0) throw new ShapeError(`Linear: ${what} must be a positive integer, got ${value}.`);
    }
    const orthogonal = params.initScheme === "orthogonal";
    const init = uniformInit(rng, defaultLinearBound(inFeatures));
    this.weight = params.create("weight", [outFeatures, inFeatures], orthogonal ? orthogonalInit(rng, outFeatures, inFeatures) : init);
    this.bias = options.bias === false ? null : params.create("bias", [outFeatures], orthogonal ? constantInit(0) : init);
  }

  /**
   * The layer on x of shape [..., in] — or on a list of [rows, in_p] parts standing for their
   * concatenation (see `linear`) — optionally followed by a fused activation.
   */
  forward(x: Tensor | readonly Tensor[], activation: Activation = "identity"): Tensor {
    return linear(x, this.weight, this.bias, activation);
  }
}
