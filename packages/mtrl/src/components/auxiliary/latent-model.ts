import { ConfigError, type Rng } from "@mtrl/core";
import { Adam, add, affine, mseLoss, type Engine, type ParameterStore, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { adamBetas, positiveInt } from "../config-fields.js";
import type { AuxiliaryBatch, AuxiliaryGroup, AuxiliaryLoss, BuildContext, Encoder } from "../component.js";
import type { TaskContext } from "../task-context.js";
import { RewardDecoder, rewardLoss } from "./reward-decoder.js";
import { PixelDecoder, meanHalfSquaredNorm, pixelDecoderFields, pixelEncoderOf, reconstructionTarget } from "./sac-ae.js";
import { TaskTheta, contrastiveLoss, frobeniusDistance, reversedRows } from "./task-theta.js";
import { TransitionModel, transitionConfigSchema, transitionLoss } from "./transition-model.js";

/**
 * The options DeepMDP and HiP-BMDP share (defaults: the reference's deepmdp.yaml / hipbmdp.yaml,
 * whose transition model and reward decoder take the decoder's optimizer settings).
 */
export const latentModelFields = {
  /** The latent transition model: deterministic (reference default) or probabilistic. */
  transition: transitionConfigSchema.default({ type: "deterministic", layerWidth: 512 }),
  /** Width of the reward decoder's hidden layer (reference: 512). */
  rewardWidth: positiveInt.default(512),
  /** Adam learning rate of the transition model and the reward decoder (reference: 1e-3). */
  modelLr: z.number().positive().default(1e-3),
  /** Adam (β1, β2) of the transition model and the reward decoder. */
  modelBetas: adamBetas,
  /** L2 weight decay of the transition model and the reward decoder (reference: 1e-7, the decoder's). */
  modelWeightDecay: z.number().min(0).default(1e-7),
  /** The pixel decoder's options, as SAC-AE's; its step (updateEvery) also trains T, while the transition and reward step runs every update. */
  ...pixelDecoderFields,
  /** λ of the L2 penalty λ · ½‖h‖² on the encoder features in the decoder's loss (reference: 0). */
  latentPenalty: z.number().min(0).default(0),
};

/** The shared options, parsed. */
export interface LatentModelConfig {
  readonly transition: z.output<typeof transitionConfigSchema>;
  readonly rewardWidth: number;
  readonly modelLr: number;
  readonly modelBetas: readonly number[];
  readonly modelWeightDecay: number;
  readonly numLayers: number;
  readonly numFilters: number;
  readonly latentPenalty: number;
  readonly updateEvery: number;
  readonly targetBits: number;
  readonly lr: number;
  readonly betas: readonly number[];
  readonly weightDecay: number;
  readonly encoderLr: number;
  readonly encoderBetas: readonly number[];
}

/** HiP-BMDP's task parameters θ and its contrastive loss (absent for DeepMDP). */
export interface ThetaConfig {
  readonly embeddingSize: number;
  readonly outputSize: number;
  readonly lr: number;
  readonly betas: readonly number[];
  /** α of the contrastive loss (reference: 0.01). */
  readonly contrastiveWeight: number;
}

function adam(params: ParameterStore, lr: number, betas: readonly number[], weightDecay = 0): Adam {
  const [beta1, beta2] = betas as readonly [number, number];
  return new Adam(params, { lr, beta1, beta2, weightDecay });
}

/**
 * DeepMDP (Gelada et al., 2019) as the reference MTRL trains it beside SAC, after the target
 * update of every step:
 *
 * 1. transition and reward: h = encoder(o); (μ, σ) = T(h, a); the loss ½((μ − h′)/σ)² + log σ
 *    against h′ = encoder(o′) (a target), plus the squared error of R(μ + σε) against the reward;
 *    one step of T, R and the encoder (HiP-BMDP: T and R also read θ of the row's task);
 * 2. every `updateEvery` updates, the decoder: the image o′ (the reconstruction target of SAC-AE)
 *    from a fresh draw of T(h, a), plus λ · ½‖h‖²; one step of T, the decoder and the encoder;
 * 3. HiP-BMDP only: the contrastive loss α · (‖Θ − Θ̃‖ − ‖M − M̃‖)² (rows paired with the batch
 *    reversed), then one step of θ with the gradients θ collected in 1, 2 and 3 — the reference
 *    steps its task encoder once per update, after all three losses.
 *
 * Differences from the reference: θ is concatenated to the transition model's input but the model
 * predicts the next features only (the reference's model, built for features ‖ θ, also predicts θ's
 * part — a constant of the task); the reward decoder reads [next latent ‖ θ] for the same reason.
 */
export class LatentModelLoss implements AuxiliaryLoss {
  readonly groups: AuxiliaryGroup[];
  private readonly engine: Engine;
  private readonly encoder: Encoder;
  private readonly encoderParams: ParameterStore;
  private readonly imageSize: number;
  private readonly actionSize: number;
  readonly transition: TransitionModel;
  readonly reward: RewardDecoder;
  readonly decoder: PixelDecoder;
  readonly theta: TaskTheta | null;
  private readonly trained: { transition: ParameterStore; reward: ParameterStore; decoder: ParameterStore; theta: ParameterStore | null };
  private readonly optimizers: { transition: Adam; reward: Adam; decoder: Adam; encoder: Adam; theta: Adam | null };
  /** θ's gradients summed over one update's losses (the reference accumulates them before its one step). */
  private thetaGradient: Float32Array = new Float32Array(0);

  constructor(
    readonly name: "deepmdp" | "hipbmdp",
    readonly config: LatentModelConfig,
    readonly thetaConfig: ThetaConfig | null,
    context: BuildContext,
  ) {
    const { shared, imageShape } = pixelEncoderOf(context, name, "reconstructs images from its predicted latents");
    if (context.actionSize === undefined) throw new ConfigError(`auxiliary.type=${name} models transitions and needs the action width; the agent did not pass it.`);
    this.engine = context.engine;
    this.encoder = shared.encoder;
    this.encoderParams = shared.params;
    this.actionSize = context.actionSize;
    const [channels, height, width] = imageShape;
    this.imageSize = channels * height * width;
    const featureSize = shared.encoder.outputSize;
    const thetaSize = thetaConfig?.outputSize ?? 0;
    const params = context.params;
    const transitionParams = params.child("transition");
    const rewardParams = params.child("reward");
    const decoderParams = params.child("decoder");
    this.transition = new TransitionModel(transitionParams, config.transition, featureSize + thetaSize + this.actionSize, featureSize, context.rng.stream("transition"));
    this.reward = new RewardDecoder(rewardParams, featureSize + thetaSize, config.rewardWidth, context.rng.stream("reward"));
    this.decoder = new PixelDecoder(decoderParams, featureSize, [channels, height, width], config.numLayers, config.numFilters, context.rng.stream("decoder"));
    const thetaParams = thetaConfig === null ? null : params.child("theta");
    this.theta = thetaConfig === null || thetaParams === null ? null : new TaskTheta(thetaParams, context.numTasks, thetaConfig.embeddingSize, thetaConfig.outputSize, context.rng.stream("theta"));
    this.trained = { transition: transitionParams, reward: rewardParams, decoder: decoderParams, theta: thetaParams };
    this.optimizers = {
      transition: adam(transitionParams, config.modelLr, config.modelBetas, config.modelWeightDecay),
      reward: adam(rewardParams, config.modelLr, config.modelBetas, config.modelWeightDecay),
      decoder: adam(decoderParams, config.lr, config.betas, config.weightDecay),
      encoder: adam(shared.params, config.encoderLr, config.encoderBetas),
      theta: thetaConfig === null || thetaParams === null ? null : adam(thetaParams, thetaConfig.lr, thetaConfig.betas),
    };
    this.groups = [
      { name: "transitionModel", params: transitionParams, optimizer: this.optimizers.transition },
      { name: "rewardDecoder", params: rewardParams, optimizer: this.optimizers.reward },
      { name: "decoder", params: decoderParams, optimizer: this.optimizers.decoder },
      { name: "latentModelEncoder", params: shared.params, optimizer: this.optimizers.encoder },
    ];
    if (thetaParams !== null && this.optimizers.theta !== null) this.groups.push({ name: "theta", params: thetaParams, optimizer: this.optimizers.theta });
  }

  update(_observations: Float32Array, rows: number, context: TaskContext, updateIndex: number, rng: Rng, batch: AuxiliaryBatch): Readonly<Record<string, number>> {
    if (this.theta !== null) this.thetaGradient = zeroed(this.thetaGradient, this.trained.theta!.flat().grads.length);
    const metrics: Record<string, number> = { ...this.updateTransitionAndReward(batch, rows, context, rng) };
    if (updateIndex % this.config.updateEvery === 0) Object.assign(metrics, this.updateDecoder(batch, rows, context, rng));
    if (this.theta !== null) Object.assign(metrics, this.updateTheta(batch, rows, context));
    return metrics;
  }

  /** Step 1: the transition loss and the reward loss, one step of T, R and the encoder. */
  private updateTransitionAndReward(batch: AuxiliaryBatch, rows: number, context: TaskContext, rng: Rng): Record<string, number> {
    const engine = this.engine;
    engine.beginStep();
    const observations = this.rowsOf(batch.observations, rows, this.imageSize);
    const nextLatent = engine.noGradResult(() => this.encoder.encode(this.rowsOf(batch.nextObservations, rows, this.imageSize), context));
    const { transition, reward } = this.transitionAndRewardLosses(this.encoder.encode(observations, context), this.rowsOf(batch.actions, rows, this.actionSize), nextLatent, this.rowsOf(batch.rewards, rows, 1), this.thetaRows(batch.taskIndices, rows), rng);
    const loss = add(transition, reward);
    engine.backward(loss, this.wrt(this.trained.transition, this.trained.reward));
    this.collectThetaGradient();
    this.optimizers.transition.update();
    this.optimizers.reward.update();
    this.optimizers.encoder.update();
    return { "train/transition_loss": transition.item(), "train/reward_loss": reward.item() };
  }

  /** The transition loss of (h, [θ], a) against h′ and the reward loss of R(sampled next latent [‖ θ]). */
  transitionAndRewardLosses(latent: Tensor, actions: Tensor, nextLatent: Tensor, rewards: Tensor, theta: Tensor | null, rng: Rng): { transition: Tensor; reward: Tensor } {
    const prediction = this.transition.forward(theta === null ? [latent, actions] : [latent, theta, actions]);
    const sampled = this.transition.sample(prediction, rng);
    return { transition: transitionLoss(prediction, nextLatent), reward: rewardLoss(this.reward.forward(theta === null ? [sampled] : [sampled, theta]), rewards) };
  }

  /** Step 2: the next image decoded from a draw of the predicted next latent; one step of T, the decoder and the encoder. */
  private updateDecoder(batch: AuxiliaryBatch, rows: number, context: TaskContext, rng: Rng): Record<string, number> {
    const engine = this.engine;
    engine.beginStep();
    const target = engine.empty([rows, this.imageSize]);
    reconstructionTarget(batch.nextObservations.subarray(0, rows * this.imageSize), this.config.targetBits, rng, target.data);
    const latent = this.encoder.encode(this.rowsOf(batch.observations, rows, this.imageSize), context);
    const loss = this.nextImageLoss(latent, this.rowsOf(batch.actions, rows, this.actionSize), this.thetaRows(batch.taskIndices, rows), target, rng);
    engine.backward(loss, this.wrt(this.trained.transition, this.trained.decoder));
    this.collectThetaGradient();
    this.optimizers.transition.update();
    this.optimizers.decoder.update();
    this.optimizers.encoder.update();
    return { "train/ae_loss": loss.item() };
  }

  /** mse(decoder(draw of T(h, [θ], a)), target) + λ · mean ½‖h‖². */
  nextImageLoss(latent: Tensor, actions: Tensor, theta: Tensor | null, target: Tensor, rng: Rng): Tensor {
    const prediction = this.transition.forward(theta === null ? [latent, actions] : [latent, theta, actions]);
    const reconstruction = mseLoss(this.decoder.forward(this.transition.sample(prediction, rng)), target);
    if (this.config.latentPenalty === 0) return reconstruction;
    return add(reconstruction, affine(meanHalfSquaredNorm(latent), this.config.latentPenalty));
  }

  /** Step 3 (HiP-BMDP): the contrastive loss, then θ's one step with every gradient of this update. */
  private updateTheta(batch: AuxiliaryBatch, rows: number, context: TaskContext): Record<string, number> {
    const engine = this.engine;
    const theta = this.theta!;
    const weight = this.thetaConfig!.contrastiveWeight;
    engine.beginStep();
    const reversed = reversedRows(rows);
    const thetaRows = theta.ofRows(batch.taskIndices.subarray(0, rows));
    const predictedDistance = engine.noGrad(() => {
      const latent = this.encoder.encode(this.rowsOf(batch.observations, rows, this.imageSize), context);
      const actions = this.rowsOf(batch.actions, rows, this.actionSize);
      const own = this.transition.forward([latent, thetaRows, actions]).mean;
      const swapped = this.transition.forward([latent, this.reorder(thetaRows, reversed), actions]).mean;
      return frobeniusDistance(own.data, swapped.data, own.size);
    });
    const loss = contrastiveLoss(thetaRows, reversed, predictedDistance);
    const reported = loss.item();
    engine.backward(affine(loss, weight), this.trained.theta!.tensors);
    const grads = this.trained.theta!.flat().grads;
    for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! + this.thetaGradient[i]!;
    this.optimizers.theta!.update();
    return { "train/contrastive_loss": reported };
  }

  /** [rows, width] step tensor of the first rows of a row-major array. */
  private rowsOf(values: Float32Array, rows: number, width: number): Tensor {
    return this.engine.input([rows, width], values.length === rows * width ? values : values.subarray(0, rows * width));
  }

  /** θ of each row's task (with gradient), or null for DeepMDP. */
  private thetaRows(taskIndices: Int32Array, rows: number): Tensor | null {
    return this.theta === null ? null : this.theta.ofRows(taskIndices.subarray(0, rows));
  }

  /** The rows of a step tensor in the given order, as plain values (a target, no gradient). */
  private reorder(tensor: Tensor, order: Int32Array): Tensor {
    const width = tensor.dim(1);
    const out = this.engine.empty([order.length, width]);
    for (let i = 0; i < order.length; i++) out.data.set(tensor.data.subarray(order[i]! * width, (order[i]! + 1) * width), i * width);
    return out;
  }

  /** The tensors a step differentiates: the encoder's, the given models', and θ's when present. */
  private wrt(...models: ParameterStore[]): Tensor[] {
    return [...this.encoderParams.tensors, ...models.flatMap((store) => store.tensors), ...(this.trained.theta === null ? [] : this.trained.theta.tensors)];
  }

  /** Adds θ's gradients of the last backward pass to this update's sum. */
  private collectThetaGradient(): void {
    if (this.trained.theta === null) return;
    const grads = this.trained.theta.flat().grads;
    for (let i = 0; i < grads.length; i++) this.thetaGradient[i] = this.thetaGradient[i]! + grads[i]!;
  }
}

function zeroed(buffer: Float32Array, length: number): Float32Array {
  if (buffer.length !== length) return new Float32Array(length);
  buffer.fill(0);
  return buffer;
}
