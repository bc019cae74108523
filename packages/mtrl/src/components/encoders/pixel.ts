import { ConfigError, type Rng } from "@mtrl/core";
import { Conv2d, LayerNorm, Linear, reluInPlace, reshape, scale, tanh, type ParameterStore, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { positiveInt } from "../config-fields.js";
import { defineComponent } from "../component.js";

/** Random shifts of training images: pad every side by `pad` (repeating the border) and crop back at a random offset. */
const augmentationSchema = z.discriminatedUnion("type", [
  z.strictObject({
    /** No augmentation. */
    type: z.literal("none"),
  }),
  z.strictObject({
    /** Random shift (DrQ / RAD): pad by `pad` pixels, crop the original size at a uniform offset per image. */
    type: z.literal("random-shift"),
    /** Pixels of padding per side; shifts range over [−pad, pad] in each axis. */
    pad: z.number().int().min(1).max(32).default(4),
  }),
]);

/**
 * The reference's pixel encoder (SAC-AE): pixels / 255 → `numLayers` 3×3 convolutions of
 * `numFilters` with ReLU (the first of stride 2, the rest of stride 1, no padding) → linear →
 * LayerNorm → tanh. 84×84 images with 4 layers give 35×35 maps, so the linear layer reads
 * 32 · 35 · 35 = 39 200 values. The critic trains it; the actor reads its features detached; the
 * critic's target keeps its own copy, moved with `critic.encoderTau`.
 */
export const pixelEncoder = defineComponent({
  kind: "encoder",
  type: "pixel",
  summary: "convolutions on pixels → linear → LayerNorm → tanh (reference: 4 × 32 filters 3×3, first stride 2; 50 features)",
  schema: z.strictObject({
    /** Convolutions on channel-first images [channels, height, width] with values 0–255. */
    type: z.literal("pixel"),
    /** 3×3 convolution layers (the first of stride 2). */
    numLayers: positiveInt.default(4),
    /** Filters per convolution layer. */
    numFilters: positiveInt.default(32),
    /** Width of the features (after linear, LayerNorm and tanh). */
    featureSize: positiveInt.default(50),
    /** Augmentation of training batches: none, or random-shift (pad 4, random crop). */
    augmentation: augmentationSchema.default({ type: "none" }),
  }),
  build: (config, context) => {
    const shape = context.observationShape;
    if (shape === undefined || shape.length !== 3 || shape[0]! * shape[1]! * shape[2]! !== context.inputSize) {
      throw new ConfigError(
        `The pixel encoder needs image observations [channels, height, width], got ${shape === undefined ? "an observation without a shape" : `shape [${shape.join(", ")}]`} ` +
          `of ${context.inputSize} values. Use an env from pixels (e.g. env.kwargs.fromPixels=true), or encoder.type=identity / mlp for state vectors.`,
      );
    }
    const [channels, height, width] = shape as [number, number, number];
    let mapHeight = Math.floor((height - 3) / 2) + 1;
    let mapWidth = Math.floor((width - 3) / 2) + 1;
    mapHeight -= 2 * (config.numLayers - 1);
    mapWidth -= 2 * (config.numLayers - 1);
    if (mapHeight < 1 || mapWidth < 1) {
      throw new ConfigError(
        `The pixel encoder's ${config.numLayers} convolution layers do not fit ${height}×${width} images (each 3×3 layer trims 2 pixels, the first halves). ` +
          `Use fewer layers (agent.encoder.numLayers) or larger images.`,
      );
    }
    const convs = Array.from({ length: config.numLayers }, (_, layer) =>
      new Conv2d(context.params.child(`conv${layer}`), { inChannels: layer === 0 ? channels : config.numFilters, outChannels: config.numFilters, kernelSize: 3, stride: layer === 0 ? 2 : 1 }, context.rng.stream(`conv${layer}`)),
    );
    const flatSize = config.numFilters * mapHeight * mapWidth;
    // linear → LayerNorm → tanh, in `params`: the critic's own, or an actor's (encoderHead: own).
    const buildHead = (params: ParameterStore, rng: Rng): ((flat: Tensor) => Tensor) => {
      const linear = new Linear(params.child("linear"), { inFeatures: flatSize, outFeatures: config.featureSize }, rng.stream("linear"));
      const norm = new LayerNorm(params.child("norm"), { features: config.featureSize });
      return (flat) => tanh(norm.forward(linear.forward(flat)));
    };
    const project = buildHead(context.params, context.rng);
    const shared = (observations: Tensor): Tensor => {
      const rows = observations.dim(0);
      let hidden = scale(reshape(observations, [rows, channels, height, width]), 1 / 255);
      // In place: a convolution's backward never reads its output (one buffer less per layer).
      for (const conv of convs) hidden = reluInPlace(conv.forward(hidden));
      return reshape(hidden, [rows, flatSize]);
    };
    const augmentation = config.augmentation;
    return {
      outputSize: config.featureSize,
      encode: (observations: Tensor) => project(shared(observations)),
      split: { shared, project, buildHead },
      ...(augmentation.type === "random-shift"
        ? { augment: (observations, rows, rng, out) => randomShift(observations, rows, [channels, height, width], augmentation.pad, rng, out) }
        : {}),
    };
  },
});

/**
 * Each image shifted by (dy, dx) drawn uniformly from [−pad, pad]², the border repeated where the
 * shift uncovers the edge — the same as padding by `pad` with edge values and cropping at a random
 * offset. All channels of an image (its stacked frames) shift together.
 */
export function randomShift(
  observations: Float32Array,
  rows: number,
  [channels, height, width]: readonly [number, number, number],
  pad: number,
  rng: { integers(low: number, high: number): number },
  out: Float32Array,
): void {
  const plane = height * width;
  for (let row = 0; row < rows; row++) {
    const dy = rng.integers(-pad, pad + 1);
    const dx = rng.integers(-pad, pad + 1);
    const image = row * channels * plane;
    for (let c = 0; c < channels; c++) {
      const base = image + c * plane;
      for (let y = 0; y < height; y++) {
        const sourceRow = base + Math.min(Math.max(y + dy, 0), height - 1) * width;
        const targetRow = base + y * width;
        for (let x = 0; x < width; x++) out[targetRow + x] = observations[sourceRow + Math.min(Math.max(x + dx, 0), width - 1)]!;
      }
    }
  }
}
