import type { Rng } from "@mtrl/core";
import { LayerNorm, Linear, mseLoss, relu, type ParameterStore, type Tensor } from "@mtrl/nn";

/**
 * DeepMDP's reward model (the reference's `RewardDecoder`): a latent → linear (width 512) →
 * LayerNorm → ReLU → linear → the reward. It reads the predicted next latent (and HiP-BMDP's task
 * parameters θ), so the reward it learns is a function of where the transition model goes.
 */
export class RewardDecoder {
  private readonly hidden: Linear;
  private readonly norm: LayerNorm;
  private readonly output: Linear;

  constructor(params: ParameterStore, inputSize: number, width: number, rng: Rng) {
    this.hidden = new Linear(params.child("hidden"), { inFeatures: inputSize, outFeatures: width }, rng.stream("hidden"));
    this.norm = new LayerNorm(params.child("norm"), { features: width });
    this.output = new Linear(params.child("output"), { inFeatures: width, outFeatures: 1 }, rng.stream("output"));
  }

  /** Rewards [rows, 1] of input parts standing for their concatenation, each [rows, width_p]. */
  forward(parts: readonly Tensor[]): Tensor {
    return this.output.forward(relu(this.norm.forward(this.hidden.forward(parts))));
  }
}

/** The reward loss: the mean squared error between predicted rewards [rows, 1] and `rewards` [rows, 1]. */
export function rewardLoss(predicted: Tensor, rewards: Tensor): Tensor {
  return mseLoss(predicted, rewards);
}
