import { layerNorm } from "../ops/layer-norm.js";
import type { Tensor } from "../tensor/tensor.js";
import { ShapeError } from "../errors.js";
import { constantInit } from "./init.js";
import type { ParameterStore } from "./parameter-store.js";

export interface LayerNormOptions {
  /** Size of the normalized last dimension. */
  readonly features: number;
  readonly eps?: number;
  /** Learn a per-feature scale and shift (default true). */
  readonly elementwiseAffine?: boolean;
}

/** torch.nn.LayerNorm over the last dimension: weight starts at 1, bias at 0. */
export class LayerNorm {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  constructor(params: ParameterStore, options: LayerNormOptions) {
    if (!Number.isInteger(options.features) || options.features <= 0) {
      throw new ShapeError(`LayerNorm: features must be a positive integer, got ${options.features}.`);
    }
    this.eps = options.eps ?? 1e-5;
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? params.create("weight", [options.features], constantInit(1)) : null;
    this.bias = affine ? params.create("bias", [options.features], constantInit(0)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
