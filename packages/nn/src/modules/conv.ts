import type { Rng } from "@mtrl/core/rng";
import { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions } from "../ops/conv.js";
import type { Tensor } from "../tensor/tensor.js";
import { ShapeError } from "../errors.js";
import { constantInit, defaultLinearBound, deltaOrthogonalInit, uniformInit } from "./init.js";
import type { ParameterStore } from "./parameter-store.js";

export interface Conv2dLayerOptions extends Conv2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Square kernel size, or [height, width]. */
  readonly kernelSize: number | readonly [number, number];
  readonly bias?: boolean;
}

export interface ConvTranspose2dLayerOptions extends ConvTranspose2dOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number | readonly [number, number];
  readonly bias?: boolean;
}

function kernelPair(options: { kernelSize: number | readonly [number, number] }): readonly [number, number] {
  const pair = typeof options.kernelSize === "number" ? ([options.kernelSize, options.kernelSize] as const) : options.kernelSize;
  for (const value of pair) {
    if (!Number.isInteger(value) || value <= 0) throw new ShapeError(`conv: kernelSize must be positive integers, got ${JSON.stringify(options.kernelSize)}.`);
  }
  return pair;
}

function checkChannels(layer: string, options: { inChannels: number; outChannels: number }): void {
  for (const [what, value] of [["inChannels", options.inChannels], ["outChannels", options.outChannels]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new ShapeError(`${layer}: ${what} must be a positive integer, got ${value}.`);
  }
}

/** torch.nn.Conv2d (groups = 1, dilation = 1): weight [out, in, kh, kw], U(±1/√(in·kh·kw)) init. */
export class Conv2d {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private readonly convOptions: Conv2dOptions;

  constructor(params: ParameterStore, options: Conv2dLayerOptions, rng: Rng) {
    checkChannels("Conv2d", options);
    const [kernelHeight, kernelWidth] = kernelPair(options);
    const init = uniformInit(rng, defaultLinearBound(options.inChannels * kernelHeight * kernelWidth));
    const orthogonal = orthogonalConv(params, "Conv2d", kernelHeight, kernelWidth);
    this.weight = params.create("weight", [options.outChannels, options.inChannels, kernelHeight, kernelWidth], orthogonal ? deltaOrthogonalInit(rng, options.outChannels, options.inChannels, kernelHeight) : init);
    this.bias = options.bias === false ? null : params.create("bias", [options.outChannels], orthogonal ? constantInit(0) : init);
    this.convOptions = { ...(options.stride === undefined ? {} : { stride: options.stride }), ...(options.padding === undefined ? {} : { padding: options.padding }) };
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.convOptions);
  }
}

/**
 * torch.nn.ConvTranspose2d (groups = 1, dilation = 1): weight [in, out, kh, kw]; like torch, the
 * init bound uses fan-in = out·kh·kw (torch computes fan-in from the weight's second dimension).
 */
export class ConvTranspose2d {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private readonly convOptions: ConvTranspose2dOptions;

  constructor(params: ParameterStore, options: ConvTranspose2dLayerOptions, rng: Rng) {
    checkChannels("ConvTranspose2d", options);
    const [kernelHeight, kernelWidth] = kernelPair(options);
    const init = uniformInit(rng, defaultLinearBound(options.outChannels * kernelHeight * kernelWidth));
    const orthogonal = orthogonalConv(params, "ConvTranspose2d", kernelHeight, kernelWidth);
    this.weight = params.create("weight", [options.inChannels, options.outChannels, kernelHeight, kernelWidth], orthogonal ? deltaOrthogonalInit(rng, options.inChannels, options.outChannels, kernelHeight) : init);
    this.bias = options.bias === false ? null : params.create("bias", [options.outChannels], orthogonal ? constantInit(0) : init);
    this.convOptions = {
      ...(options.stride === undefined ? {} : { stride: options.stride }),
      ...(options.padding === undefined ? {} : { padding: options.padding }),
      ...(options.outputPadding === undefined ? {} : { outputPadding: options.outputPadding }),
    };
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.convOptions);
  }
}

/**
 * Whether a convolution layer takes the delta-orthogonal init (the store's scheme is
 * "orthogonal"); that init needs a square kernel with a centre tap.
 */
function orthogonalConv(params: ParameterStore, layer: string, kernelHeight: number, kernelWidth: number): boolean {
  if (params.initScheme !== "orthogonal") return false;
  if (kernelHeight !== kernelWidth || kernelHeight % 2 === 0) {
    throw new ShapeError(`${layer}: the orthogonal init scheme sets the centre tap of a square, odd kernel; got ${kernelHeight}×${kernelWidth}. Use a 3×3 (or 5×5, ...) kernel or the "uniform" scheme.`);
  }
  return true;
}
