import { ConfigError, type Rng } from "@mtrl/core";
import { LayerNorm, Linear, add, affine, div, log, mean, mul, relu, sigmoid, sub, type ParameterStore, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { positiveInt } from "../config-fields.js";

/**
 * The transition model's options (`agent.auxiliary.transition`): deterministic predicts the next
 * latent's mean; probabilistic also a standard deviation per feature, squashed into
 * [minSigma, maxSigma] (the reference's 1e-4 and 10) and trained by the Gaussian NLL.
 */
export const transitionConfigSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      /** μ only; the loss is ½‖μ − h′‖² per feature (σ = 1). */
      type: z.literal("deterministic"),
      /** Width of the hidden layer (reference: 512). */
      layerWidth: positiveInt.default(512),
    }),
    z.strictObject({
      /** μ and σ = minSigma + (maxSigma − minSigma) · sigmoid(·); the loss is ½((μ − h′)/σ)² + log σ. */
      type: z.literal("probabilistic"),
      /** Width of the hidden layer (reference: 512). */
      layerWidth: positiveInt.default(512),
      /** Smallest σ (reference: 1e-4). */
      minSigma: z.number().positive().default(1e-4),
      /** Largest σ (reference: 10). */
      maxSigma: z.number().positive().default(10),
    }),
  ])
  .superRefine((transition, context) => {
    if (transition.type === "probabilistic" && !(transition.minSigma < transition.maxSigma)) {
      context.addIssue({ code: "custom", path: ["maxSigma"], message: `expected minSigma < maxSigma, got minSigma ${transition.minSigma} and maxSigma ${transition.maxSigma}; raise maxSigma or lower minSigma` });
    }
  });

export type TransitionConfig = z.output<typeof transitionConfigSchema>;

/** A predicted next latent: its mean and, for the probabilistic model, its standard deviation. */
export interface TransitionPrediction {
  readonly mean: Tensor;
  /** [rows, features], or null for the deterministic model (σ = 1). */
  readonly sigma: Tensor | null;
}

/**
 * DeepMDP's latent transition model (the reference's width-512 layer): [h ‖ (θ) ‖ a] → linear →
 * LayerNorm → ReLU → μ (and σ) of the next latent h′. Its input parts are never concatenated: the
 * first layer multiplies each by its own weight columns.
 */
export class TransitionModel {
  private readonly hidden: Linear;
  private readonly norm: LayerNorm;
  private readonly meanLayer: Linear;
  private readonly sigmaLayer: Linear | null;

  constructor(
    params: ParameterStore,
    readonly config: TransitionConfig,
    inputSize: number,
    readonly featureSize: number,
    rng: Rng,
  ) {
    if (!Number.isInteger(inputSize) || inputSize <= featureSize) {
      throw new ConfigError(`The transition model reads [features ‖ action] of more than ${featureSize} values, got an input of ${inputSize}; it needs the encoder's features and the action.`);
    }
    this.hidden = new Linear(params.child("hidden"), { inFeatures: inputSize, outFeatures: config.layerWidth }, rng.stream("hidden"));
    this.norm = new LayerNorm(params.child("norm"), { features: config.layerWidth });
    this.meanLayer = new Linear(params.child("mean"), { inFeatures: config.layerWidth, outFeatures: featureSize }, rng.stream("mean"));
    this.sigmaLayer = config.type === "probabilistic" ? new Linear(params.child("sigma"), { inFeatures: config.layerWidth, outFeatures: featureSize }, rng.stream("sigma")) : null;
  }

  /** The prediction for input parts standing for [h ‖ (θ) ‖ a], each [rows, width_p]. */
  forward(parts: readonly Tensor[]): TransitionPrediction {
    const hidden = relu(this.norm.forward(this.hidden.forward(parts)));
    const predictedMean = this.meanLayer.forward(hidden);
    if (this.sigmaLayer === null || this.config.type !== "probabilistic") return { mean: predictedMean, sigma: null };
    const { minSigma, maxSigma } = this.config;
    return { mean: predictedMean, sigma: affine(sigmoid(this.sigmaLayer.forward(hidden)), maxSigma - minSigma, minSigma) };
  }

  /**
   * A draw of the next latent: μ + σ · ε with ε ~ N(0, 1) from `rng` (the reference's
   * `sample_prediction`), or μ itself for the deterministic model (no draw is taken then).
   */
  sample(prediction: TransitionPrediction, rng: Rng): Tensor {
    if (prediction.sigma === null) return prediction.mean;
    const engine = prediction.mean.engine;
    const noise = engine.empty(prediction.sigma.shape);
    rng.fillNormal(noise.data);
    return add(prediction.mean, mul(prediction.sigma, noise));
  }
}

/**
 * The reference's transition loss: the mean over rows and features of ½((μ − h′)/σ)² + log σ, with
 * σ = 1 (so ½(μ − h′)²) for the deterministic model. `nextLatent` is a target (no gradient).
 */
export function transitionLoss(prediction: TransitionPrediction, nextLatent: Tensor): Tensor {
  const difference = sub(prediction.mean, nextLatent);
  if (prediction.sigma === null) return affine(mean(mul(difference, difference)), 0.5);
  const scaled = div(difference, prediction.sigma);
  const negativeLogLikelihood = add(affine(mul(scaled, scaled), 0.5), log(prediction.sigma));
  return mean(negativeLogLikelihood);
}
