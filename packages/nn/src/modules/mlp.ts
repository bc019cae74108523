import type { Rng } from "@mtrl/core/rng";
import type { Activation } from "../ops/activation.js";
import type { Tensor } from "../tensor/tensor.js";
import { Linear } from "./linear.js";
import type { ParameterStore } from "./parameter-store.js";

export interface MLPOptions {
  readonly inputSize: number;
  /** Sizes of the hidden layers, e.g. [400, 400, 400]; [] gives a single linear layer. */
  readonly hiddenSizes: readonly number[];
  readonly outputSize: number;
  /** Activation after every hidden layer (default "relu"). */
  readonly activation?: Activation;
  /** Activation after the last layer (default "identity"). */
  readonly outputActivation?: Activation;
}

/**
 * A stack of Linear layers named `layers.0`, `layers.1`, … with the activation fused into each
 * layer's op. The same shapes and init as torch's nn.Sequential of Linear + ReLU.
 */
export class MLP {
  readonly layers: readonly Linear[];
  private readonly activation: Activation;
  private readonly outputActivation: Activation;

  constructor(params: ParameterStore, options: MLPOptions, rng: Rng) {
    const sizes = [options.inputSize, ...options.hiddenSizes, options.outputSize];
    const layers: Linear[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      layers.push(new Linear(params.child(`layers.${i}`), { inFeatures: sizes[i]!, outFeatures: sizes[i + 1]! }, rng));
    }
    this.layers = layers;
    this.activation = options.activation ?? "relu";
    this.outputActivation = options.outputActivation ?? "identity";
  }

  /** The network on x [..., inputSize], or on a list of [rows, n_p] parts that concatenate to it. */
  forward(x: Tensor | readonly Tensor[]): Tensor {
    const last = this.layers.length - 1;
    let h = this.layers[0]!.forward(x, last === 0 ? this.outputActivation : this.activation);
    for (let i = 1; i <= last; i++) h = this.layers[i]!.forward(h, i === last ? this.outputActivation : this.activation);
    return h;
  }
}
