import type { Engine } from "../autodiff/engine.js";
import type { ConvGeometry } from "./im2col.js";

/**
 * Stride-1, unpadded convolutions without unfolding (the pixel encoder's layers after the first,
 * the pixel decoder's transposed layers before the last).
 *
 * A chunk of images is laid out channel-major on a grid — [channels, count·H·W] for the larger of
 * the two planes, H × W — with each smaller map in the top-left window of its plane. Output
 * position q of the window then reads input q + ki·W + kj for tap (ki, kj), so the convolution is
 * kh·kw GEMMs of [out, in] tap weights by the grid shifted by that many columns, added up. Columns
 * outside the windows hold values no window position reads (forward) or zeros (backward), so no
 * tap needs a mask. An im2col of the same layer writes kh·kw copies of its input and reads them
 * back; this writes none, at the cost of the GEMMs' inner dimension being the channels (32) rather
 * than channels·kh·kw, and of computing the (H·W − Ho·Wo) positions outside the window (10% at 41 → 39).
 */

/** Convolutions the grid path can compute: stride 1 and no padding on both axes. */
export function gridFits(geometry: ConvGeometry): boolean {
  return geometry.strideHeight === 1 && geometry.strideWidth === 1 && geometry.padHeight === 0 && geometry.padWidth === 0;
}

/** A gradient to write: overwrite (beta 0) or add to (beta 1) `grad`. */
export interface GradTarget {
  readonly beta: number;
  readonly grad: Float32Array;
}

/** taps[s, a, b] = weight[a, b, s] for weight [rows, cols, kh·kw]: one row-major [rows, cols] matrix per tap. */
function splitTaps(weight: Float32Array, rows: number, cols: number, taps: number, out: Float32Array): void {
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b < cols; b++) {
      const base = (a * cols + b) * taps;
      for (let s = 0; s < taps; s++) out[(s * rows + a) * cols + b] = weight[base + s]!;
    }
  }
}

/** The adjoint of splitTaps into a gradient: grad[a, b, s] = (beta ? grad : 0) + tapGrads[s, a, b]. */
function joinTaps(tapGrads: Float32Array, rows: number, cols: number, taps: number, target: GradTarget): void {
  const grad = target.grad;
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b < cols; b++) {
      const base = (a * cols + b) * taps;
      for (let s = 0; s < taps; s++) {
        const value = tapGrads[(s * rows + a) * cols + b]!;
        grad[base + s] = target.beta === 0 ? value : grad[base + s]! + value;
      }
    }
  }
}

/**
 * A backward pass's scratch (inside the caller's arena mark): the output gradient's grid
 * (gradChannels rows), and where wanted the tap weights split from weight [rows, cols, taps], the
 * input gradient's grid and the input's grid (inputChannels rows), and the tap gradients.
 */
function backwardScratch(
  engine: Engine, weight: Float32Array, rows: number, cols: number, taps: number, gradChannels: number, inputChannels: number,
  gridFloats: number, dx: GradTarget | null, dw: GradTarget | null,
): { gradGrid: Float32Array; tapWeights: Float32Array | null; inputGrad: Float32Array | null; input: Float32Array | null; tapGrads: Float32Array | null } {
  const arena = engine.arena;
  const tapWeights = dx === null ? null : arena.allocateTransient(taps * rows * cols);
  if (tapWeights !== null) splitTaps(weight, rows, cols, taps, tapWeights);
  return {
    gradGrid: arena.allocateTransient(gradChannels * gridFloats),
    tapWeights,
    inputGrad: dx === null ? null : arena.allocateTransient(inputChannels * gridFloats),
    input: dw === null ? null : arena.allocateTransient(inputChannels * gridFloats),
    tapGrads: dw === null ? null : arena.allocateTransient(taps * rows * cols),
  };
}

/** The grid's sizes for a chunk of `count` images. */
function gridOf(geometry: ConvGeometry, count: number): { plane: number; total: number; valid: number } {
  const plane = geometry.height * geometry.width;
  const total = count * plane;
  // The last image's window ends this many columns before the grid does: no tap reads past it.
  const reach = (geometry.kernelHeight - 1) * geometry.width + geometry.kernelWidth - 1;
  return { plane, total, valid: total - reach };
}

/** Columns tap s of the kernel shifts the grid by. */
function tapShift(geometry: ConvGeometry, s: number): number {
  return Math.floor(s / geometry.kernelWidth) * geometry.width + (s % geometry.kernelWidth);
}

/** conv2d forward: x [batch, C, H, W], weight [O, C, kh, kw] → out [batch, O, Ho, Wo] (+ bias). */
export function conv2dOnGrid(
  engine: Engine, x: Float32Array, weight: Float32Array, bias: Float32Array | null, geometry: ConvGeometry,
  outChannels: number, batch: number, chunk: number, out: Float32Array,
): void {
  const { channels, height, width, kernelHeight, kernelWidth, outputHeight, outputWidth } = geometry;
  const kernels = engine.kernels;
  const taps = kernelHeight * kernelWidth;
  const plane = height * width;
  const outPlane = outputHeight * outputWidth;
  const mark = engine.arena.mark();
  const tapWeights = engine.arena.allocateTransient(taps * outChannels * channels);
  splitTaps(weight, outChannels, channels, taps, tapWeights);
  const input = engine.arena.allocateTransient(channels * chunk * plane);
  const product = engine.arena.allocateTransient(outChannels * chunk * plane);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const { total, valid } = gridOf(geometry, count);
    kernels.imagesToChannels(x.subarray(first * channels * plane, (first + count) * channels * plane), count, channels, plane, input);
    for (let s = 0; s < taps; s++) {
      kernels.gemm(false, false, outChannels, valid, channels, 1, tapWeights.subarray(s * outChannels * channels), channels,
        input.subarray(tapShift(geometry, s)), total, s === 0 ? 0 : 1, product, total);
    }
    kernels.gridToImages(product, bias, count, outChannels, height, width, outputHeight, outputWidth, 0,
      out.subarray(first * outChannels * outPlane, (first + count) * outChannels * outPlane));
  }
  engine.arena.release(mark);
}

/** conv2d backward (bias excluded): input and weight gradients from dOut [batch, O, Ho, Wo]. */
export function conv2dBackwardOnGrid(
  engine: Engine, x: Float32Array, weight: Float32Array, dOut: Float32Array, geometry: ConvGeometry,
  outChannels: number, batch: number, chunk: number, dx: GradTarget | null, dw: GradTarget | null,
): void {
  const { channels, height, width, kernelHeight, kernelWidth, outputHeight, outputWidth } = geometry;
  const kernels = engine.kernels;
  const taps = kernelHeight * kernelWidth;
  const plane = height * width;
  const outPlane = outputHeight * outputWidth;
  const mark = engine.arena.mark();
  const { gradGrid, tapWeights, inputGrad, input, tapGrads } = backwardScratch(engine, weight, outChannels, channels, taps, outChannels, channels, chunk * plane, dx, dw);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const { total, valid } = gridOf(geometry, count);
    kernels.imagesToGrid(dOut.subarray(first * outChannels * outPlane, (first + count) * outChannels * outPlane), count, outChannels,
      outputHeight, outputWidth, height, width, gradGrid);
    if (input !== null && tapGrads !== null) {
      kernels.imagesToChannels(x.subarray(first * channels * plane, (first + count) * channels * plane), count, channels, plane, input);
      for (let s = 0; s < taps; s++) {
        kernels.gemm(false, true, outChannels, channels, valid, 1, gradGrid, total, input.subarray(tapShift(geometry, s)), total,
          first === 0 ? 0 : 1, tapGrads.subarray(s * outChannels * channels), channels);
      }
    }
    if (dx !== null && inputGrad !== null && tapWeights !== null) {
      // Every tap adds into a shifted window; the columns past the first tap's must start at zero.
      inputGrad.fill(0, 0, channels * total);
      for (let s = 0; s < taps; s++) {
        kernels.gemm(true, false, channels, valid, outChannels, 1, tapWeights.subarray(s * outChannels * channels), channels,
          gradGrid, total, 1, inputGrad.subarray(tapShift(geometry, s)), total);
      }
      kernels.channelsToImages(inputGrad, null, count, channels, plane, dx.beta,
        dx.grad.subarray(first * channels * plane, (first + count) * channels * plane));
    }
  }
  if (dw !== null && tapGrads !== null) joinTaps(tapGrads, outChannels, channels, taps, dw);
  engine.arena.release(mark);
}

/**
 * convTranspose2d forward: x [batch, Cin, Hin, Win], weight [Cin, Cout, kh, kw] → out
 * [batch, Cout, H, W] (+ bias). `geometry` is the adjoint conv2d's, seen from the output
 * (channels Cout on H × W, output Hin × Win).
 */
export function convTranspose2dOnGrid(
  engine: Engine, x: Float32Array, weight: Float32Array, bias: Float32Array | null, geometry: ConvGeometry,
  inChannels: number, batch: number, chunk: number, out: Float32Array,
): void {
  const { channels: outChannels, height, width, kernelHeight, kernelWidth, outputHeight: inHeight, outputWidth: inWidth } = geometry;
  const kernels = engine.kernels;
  const taps = kernelHeight * kernelWidth;
  const plane = height * width;
  const inPlane = inHeight * inWidth;
  const mark = engine.arena.mark();
  const tapWeights = engine.arena.allocateTransient(taps * inChannels * outChannels);
  splitTaps(weight, inChannels, outChannels, taps, tapWeights);
  const input = engine.arena.allocateTransient(inChannels * chunk * plane);
  const product = engine.arena.allocateTransient(outChannels * chunk * plane);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const { total, valid } = gridOf(geometry, count);
    kernels.imagesToGrid(x.subarray(first * inChannels * inPlane, (first + count) * inChannels * inPlane), count, inChannels,
      inHeight, inWidth, height, width, input);
    product.fill(0, 0, outChannels * total);
    for (let s = 0; s < taps; s++) {
      kernels.gemm(true, false, outChannels, valid, inChannels, 1, tapWeights.subarray(s * inChannels * outChannels), outChannels,
        input, total, 1, product.subarray(tapShift(geometry, s)), total);
    }
    kernels.channelsToImages(product, bias, count, outChannels, plane, 0, out.subarray(first * outChannels * plane, (first + count) * outChannels * plane));
  }
  engine.arena.release(mark);
}

/** convTranspose2d backward (bias excluded): input and weight gradients from dOut [batch, Cout, H, W]. */
export function convTranspose2dBackwardOnGrid(
  engine: Engine, x: Float32Array, weight: Float32Array, dOut: Float32Array, geometry: ConvGeometry,
  inChannels: number, batch: number, chunk: number, dx: GradTarget | null, dw: GradTarget | null,
): void {
  const { channels: outChannels, height, width, kernelHeight, kernelWidth, outputHeight: inHeight, outputWidth: inWidth } = geometry;
  const kernels = engine.kernels;
  const taps = kernelHeight * kernelWidth;
  const plane = height * width;
  const inPlane = inHeight * inWidth;
  const mark = engine.arena.mark();
  const { gradGrid, tapWeights, inputGrad, input, tapGrads } = backwardScratch(engine, weight, inChannels, outChannels, taps, outChannels, inChannels, chunk * plane, dx, dw);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const { total, valid } = gridOf(geometry, count);
    kernels.imagesToChannels(dOut.subarray(first * outChannels * plane, (first + count) * outChannels * plane), count, outChannels, plane, gradGrid);
    if (dx !== null && inputGrad !== null && tapWeights !== null) {
      for (let s = 0; s < taps; s++) {
        kernels.gemm(false, false, inChannels, valid, outChannels, 1, tapWeights.subarray(s * inChannels * outChannels), outChannels,
          gradGrid.subarray(tapShift(geometry, s)), total, s === 0 ? 0 : 1, inputGrad, total);
      }
      kernels.gridToImages(inputGrad, null, count, inChannels, height, width, inHeight, inWidth, dx.beta,
        dx.grad.subarray(first * inChannels * inPlane, (first + count) * inChannels * inPlane));
    }
    if (input !== null && tapGrads !== null) {
      kernels.imagesToGrid(x.subarray(first * inChannels * inPlane, (first + count) * inChannels * inPlane), count, inChannels,
        inHeight, inWidth, height, width, input);
      for (let s = 0; s < taps; s++) {
        kernels.gemm(false, true, inChannels, outChannels, valid, 1, input, total, gradGrid.subarray(tapShift(geometry, s)), total,
          first === 0 ? 0 : 1, tapGrads.subarray(s * inChannels * outChannels), outChannels);
      }
    }
  }
  if (dw !== null && tapGrads !== null) joinTaps(tapGrads, inChannels, outChannels, taps, dw);
  engine.arena.release(mark);
}
