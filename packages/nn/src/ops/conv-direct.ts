import type { Engine } from "../autodiff/engine.js";
import type { ConvWindow } from "../kernels/kernels.js";
import type { GradTarget } from "./conv-grid.js";
import type { ConvGeometry } from "./im2col.js";

/**
 * Stride-1 unpadded layers through Kernels.convStride1 and convStride1WeightGrad (the "direct"
 * path): the output and the input gradient are direct convolutions — the input gradient of a
 * convolution is one of the output gradient, padded by kh − 1, with the weights flipped and
 * transposed — and the weight gradient is a direct sum over positions.
 */

/** out[b, a, kh−1−ki, kw−1−kj] = weight[a, b, ki, kj] for weight [rows, cols, kh, kw]. */
function flipTransposed(weight: Float32Array, rows: number, cols: number, taps: number, out: Float32Array): void {
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b < cols; b++) {
      const from = (a * cols + b) * taps;
      const to = (b * rows + a) * taps + taps - 1;
      for (let s = 0; s < taps; s++) out[to - s] = weight[from + s]!;
    }
  }
}

/** The window of a full (padded by kernel − 1) stride-1 convolution of `channels` maps height × width. */
function fullWindow(channels: number, height: number, width: number, geometry: ConvGeometry): ConvWindow {
  const { kernelHeight, kernelWidth } = geometry;
  return {
    channels, height, width, kernelHeight, kernelWidth, strideHeight: 1, strideWidth: 1, padHeight: kernelHeight - 1, padWidth: kernelWidth - 1,
    outputHeight: height + kernelHeight - 1, outputWidth: width + kernelWidth - 1,
  };
}

/** conv2d forward: x [batch, C, H, W], weight [O, C, kh, kw] → out [batch, O, Ho, Wo] (+ bias). */
export function conv2dDirect(engine: Engine, x: Float32Array, weight: Float32Array, bias: Float32Array | null, geometry: ConvGeometry, outChannels: number, batch: number, out: Float32Array): void {
  engine.kernels.convStride1(x, geometry, batch, weight, bias, outChannels, 0, out);
}

/** conv2d backward (bias excluded). */
export function conv2dBackwardDirect(
  engine: Engine, x: Float32Array, weight: Float32Array, dOut: Float32Array, geometry: ConvGeometry,
  outChannels: number, batch: number, dx: GradTarget | null, dw: GradTarget | null,
): void {
  const { channels, kernelHeight, kernelWidth, outputHeight, outputWidth } = geometry;
  if (dx !== null) {
    const taps = kernelHeight * kernelWidth;
    const mark = engine.arena.mark();
    const flipped = engine.arena.allocateTransient(taps * outChannels * channels);
    flipTransposed(weight, outChannels, channels, taps, flipped);
    engine.kernels.convStride1(dOut, fullWindow(outChannels, outputHeight, outputWidth, geometry), batch, flipped, null, channels, dx.beta, dx.grad);
    engine.arena.release(mark);
  }
  if (dw !== null) {
    engine.kernels.convStride1WeightGrad(dOut, x, batch, outChannels, channels, outputHeight, outputWidth, kernelHeight, kernelWidth, dw.beta, dw.grad);
  }
}

/**
 * convTranspose2d forward: x [batch, Cin, Hin, Win], weight [Cin, Cout, kh, kw] → out
 * [batch, Cout, H, W] (+ bias): the full convolution of x with the weights flipped and transposed.
 * `geometry` is the adjoint conv2d's, seen from the output.
 */
export function convTranspose2dDirect(engine: Engine, x: Float32Array, weight: Float32Array, bias: Float32Array | null, geometry: ConvGeometry, inChannels: number, batch: number, out: Float32Array): void {
  const { channels: outChannels, kernelHeight, kernelWidth, outputHeight: inHeight, outputWidth: inWidth } = geometry;
  const taps = kernelHeight * kernelWidth;
  const mark = engine.arena.mark();
  const flipped = engine.arena.allocateTransient(taps * inChannels * outChannels);
  flipTransposed(weight, inChannels, outChannels, taps, flipped);
  engine.kernels.convStride1(x, fullWindow(inChannels, inHeight, inWidth, geometry), batch, flipped, bias, outChannels, 0, out);
  engine.arena.release(mark);
}

/** convTranspose2d backward (bias excluded): the input gradient is conv2d of dOut with the weights as they are. */
export function convTranspose2dBackwardDirect(
  engine: Engine, x: Float32Array, weight: Float32Array, dOut: Float32Array, geometry: ConvGeometry,
  inChannels: number, batch: number, dx: GradTarget | null, dw: GradTarget | null,
): void {
  if (dx !== null) engine.kernels.convStride1(dOut, geometry, batch, weight, null, inChannels, dx.beta, dx.grad);
  if (dw !== null) {
    const { channels: outChannels, kernelHeight, kernelWidth, outputHeight: inHeight, outputWidth: inWidth } = geometry;
    engine.kernels.convStride1WeightGrad(x, dOut, batch, inChannels, outChannels, inHeight, inWidth, kernelHeight, kernelWidth, dw.beta, dw.grad);
  }
}
