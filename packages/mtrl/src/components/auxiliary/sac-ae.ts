import { ConfigError, type Rng } from "@mtrl/core";
import { Adam, ConvTranspose2d, Linear, add, affine, mean, mseLoss, mul, relu, reluInPlace, reshape, sum, type ParameterStore, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { adamBetas, positiveInt } from "../config-fields.js";
import { defineComponent, type AuxiliaryLoss, type BuildContext, type Encoder } from "../component.js";
import type { TaskContext } from "../task-context.js";

/** No auxiliary loss (SAC). */
export const noAuxiliary = defineComponent({
  kind: "auxiliary",
  type: "none",
  summary: "no auxiliary loss (SAC)",
  schema: z.strictObject({
    /** No auxiliary loss. */
    type: z.literal("none"),
  }),
  build: () => null,
});

/**
 * The options of the pixel decoder and of the encoder's steps on its loss, SAC-AE's and (with
 * their own latentPenalty default) DeepMDP's and HiP-BMDP's.
 */
export const pixelDecoderFields = {
  /** Transposed 3×3 convolutions (the last of stride 2), mirroring the encoder's layers. */
  numLayers: positiveInt.default(4),
  /** Filters of the decoder's hidden layers. */
  numFilters: positiveInt.default(32),
  /** λ of the L2 penalty λ · ½‖h‖² on the encoder features (SAC-AE paper: 1e-6; the reference MTRL's sac_ae.yaml sets 0). */
  latentPenalty: z.number().min(0).default(1e-6),
  /** Train encoder and decoder on the reconstruction every this many updates (reference: 1). */
  updateEvery: positiveInt.default(1),
  /** Bits per colour channel of the reconstruction target (pixels quantised, dequantised with uniform noise, centred in [−0.5, 0.5]). */
  targetBits: z.number().int().min(1).max(8).default(5),
  /** Adam learning rate of the decoder. */
  lr: z.number().positive().default(1e-3),
  /** Adam (β1, β2) of the decoder. */
  betas: adamBetas,
  /** L2 weight decay of the decoder (reference: 1e-7). */
  weightDecay: z.number().min(0).default(1e-7),
  /** Adam learning rate of the encoder's reconstruction steps (reference: 1e-3). */
  encoderLr: z.number().positive().default(1e-3),
  /** Adam (β1, β2) of the encoder's reconstruction steps. */
  encoderBetas: adamBetas,
};

/**
 * SAC-AE (Yarats et al., 2019): a deconvolution decoder reconstructs the observation from the
 * critic's encoder features, and that reconstruction loss trains encoder and decoder — the encoder
 * with its own Adam, the decoder with a small weight decay — plus λ · ½‖h‖² on the features.
 */
export const sacAeAuxiliary = defineComponent({
  kind: "auxiliary",
  type: "sac-ae",
  summary: "SAC-AE: a pixel decoder's reconstruction loss trains the encoder (reference: decoder weight decay 1e-7, every update)",
  schema: z.strictObject({
    /** A deconvolution decoder of the critic's pixel features. */
    type: z.literal("sac-ae"),
    ...pixelDecoderFields,
  }),
  build: (config, context): AuxiliaryLoss => {
    const { shared, imageShape } = pixelEncoderOf(context, "sac-ae", "reconstructs images");
    const [channels, height, width] = imageShape;
    const decoder = new PixelDecoder(context.params, shared.encoder.outputSize, [channels, height, width], config.numLayers, config.numFilters, context.rng);
    const [beta1, beta2] = config.betas as readonly [number, number];
    const [encoderBeta1, encoderBeta2] = config.encoderBetas as readonly [number, number];
    const decoderOptimizer = new Adam(context.params, { lr: config.lr, beta1, beta2, weightDecay: config.weightDecay });
    const encoderOptimizer = new Adam(shared.params, { lr: config.encoderLr, beta1: encoderBeta1, beta2: encoderBeta2 });
    const engine = context.engine;
    return {
      groups: [
        { name: "decoder", params: context.params, optimizer: decoderOptimizer },
        { name: "autoencoderEncoder", params: shared.params, optimizer: encoderOptimizer },
      ],
      update(observations, rows, taskContext, updateIndex, rng) {
        if (updateIndex % config.updateEvery !== 0) return {};
        engine.beginStep();
        const size = channels * height * width;
        const input = engine.input([rows, size], observations.length === rows * size ? observations : observations.subarray(0, rows * size));
        const target = engine.empty([rows, size]);
        reconstructionTarget(input.data, config.targetBits, rng, target.data);
        const { loss, reconstruction, latent } = autoencoderLoss(shared.encoder, decoder, input, target, taskContext, config.latentPenalty);
        engine.backward(loss, [...shared.params.tensors, ...context.params.tensors]);
        encoderOptimizer.update();
        decoderOptimizer.update();
        return { "train/ae_loss": loss.item(), "train/ae_reconstruction_loss": reconstruction, "train/ae_latent_loss": latent };
      },
    };
  },
});

/**
 * The critic's shared encoder and the image shape [channels, height, width] an auxiliary loss
 * that decodes images needs; without them, a ConfigError saying that auxiliary.type=`type`
 * `purpose` and how to give it pixels.
 */
export function pixelEncoderOf(context: BuildContext, type: string, purpose: string): { shared: NonNullable<BuildContext["sharedEncoder"]>; imageShape: [number, number, number] } {
  const shared = context.sharedEncoder;
  const shape = context.observationShape;
  if (shared === undefined || shape === undefined || shape.length !== 3) {
    throw new ConfigError(
      `auxiliary.type=${type} ${purpose}: it needs pixel observations [channels, height, width] and the critic's encoder, got ${shape === undefined ? "no image shape" : `shape [${shape.join(", ")}]`}. ` +
        `Use it with encoder.type=pixel on an env from pixels (e.g. agent=${type} env=dmc-cartpole-swingup-pixels).`,
    );
  }
  return { shared, imageShape: shape as [number, number, number] };
}

/**
 * The reference's decoder: linear → ReLU → [filters, m, m] maps (m the encoder's last map size) →
 * (numLayers − 1) transposed 3×3 convolutions of stride 1 with ReLU → a transposed 3×3 convolution
 * of stride 2 to the image's channels (output padding chosen so that it ends at the image size).
 */
export class PixelDecoder {
  private readonly linear: Linear;
  private readonly deconvs: ConvTranspose2d[];
  readonly mapHeight: number;
  readonly mapWidth: number;

  constructor(
    params: ParameterStore,
    featureSize: number,
    readonly imageShape: readonly [number, number, number],
    numLayers: number,
    readonly numFilters: number,
    rng: Rng,
  ) {
    const [channels, height, width] = imageShape;
    const firstHeight = Math.floor((height - 3) / 2) + 1;
    const firstWidth = Math.floor((width - 3) / 2) + 1;
    this.mapHeight = firstHeight - 2 * (numLayers - 1);
    this.mapWidth = firstWidth - 2 * (numLayers - 1);
    if (this.mapHeight < 1 || this.mapWidth < 1) {
      throw new ConfigError(`The SAC-AE decoder's ${numLayers} layers do not fit ${height}×${width} images; use as many layers as the pixel encoder (agent.auxiliary.numLayers).`);
    }
    this.linear = new Linear(params.child("linear"), { inFeatures: featureSize, outFeatures: numFilters * this.mapHeight * this.mapWidth }, rng.stream("linear"));
    this.deconvs = Array.from({ length: numLayers }, (_, layer) => {
      const last = layer === numLayers - 1;
      return new ConvTranspose2d(
        params.child(`deconv${layer}`),
        {
          inChannels: numFilters, outChannels: last ? channels : numFilters, kernelSize: 3, stride: last ? 2 : 1,
          ...(last ? { outputPadding: [height - (2 * firstHeight + 1), width - (2 * firstWidth + 1)] as const } : {}),
        },
        rng.stream(`deconv${layer}`),
      );
    });
  }

  /** features [rows, featureSize] → images [rows, channels · height · width] (unbounded, compared with targets in [−0.5, 0.5]). */
  forward(features: Tensor): Tensor {
    const rows = features.dim(0);
    let maps = reshape(relu(this.linear.forward(features)), [rows, this.numFilters, this.mapHeight, this.mapWidth]);
    this.deconvs.forEach((deconv, layer) => {
      maps = deconv.forward(maps);
      if (layer < this.deconvs.length - 1) maps = reluInPlace(maps);
    });
    const [channels, height, width] = this.imageShape;
    return reshape(maps, [rows, channels * height * width]);
  }
}

/**
 * rec + λ · mean over rows of ½‖h‖², with rec the mean squared error over every pixel between the
 * decoder's image of the encoder features h and `target`.
 */
export function autoencoderLoss(encoder: Encoder, decoder: PixelDecoder, observations: Tensor, target: Tensor, context: TaskContext, latentPenalty: number): { loss: Tensor; reconstruction: number; latent: number } {
  const features = encoder.encode(observations, context);
  const reconstructionLoss = mseLoss(decoder.forward(features), target);
  const latentLoss = meanHalfSquaredNorm(features);
  return { loss: add(reconstructionLoss, affine(latentLoss, latentPenalty)), reconstruction: reconstructionLoss.item(), latent: latentLoss.item() };
}

/** The mean over rows of ½‖h‖² of features h [rows, width]: what the latent penalty λ weighs. */
export function meanHalfSquaredNorm(features: Tensor): Tensor {
  return mean(affine(sum(mul(features, features), 1), 0.5));
}

/**
 * The reference's reconstruction target of pixels 0–255: quantised to `bits` bits, dequantised with
 * uniform noise in one bin, centred: ⌊x / 2^(8 − bits)⌋ / 2^bits + U(0, 1) / 2^bits − 0.5.
 */
export function reconstructionTarget(pixels: Float32Array, bits: number, rng: { uniform(): number }, out: Float32Array): void {
  const bins = 2 ** bits;
  const divisor = 2 ** (8 - bits);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(pixels[i]! / divisor) / bins + rng.uniform() / bins - 0.5;
}
