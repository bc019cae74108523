import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { col2imAccumulate, im2col, type ConvGeometry } from "./im2col.js";

/** Stride and zero padding per side, one number for both axes or [height, width]. */
export interface Conv2dOptions {
  readonly stride?: number | readonly [number, number];
  readonly padding?: number | readonly [number, number];
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  /** Extra rows/columns on the bottom/right of the output (torch's output_padding). */
  readonly outputPadding?: number | readonly [number, number];
}

function pair(value: number | readonly [number, number] | undefined, fallback: number): readonly [number, number] {
  if (value === undefined) return [fallback, fallback];
  return typeof value === "number" ? [value, value] : value;
}

/**
 * 2-D convolution (cross-correlation, as torch.nn.functional.conv2d): x [N, C, H, W],
 * weight [O, C, kh, kw], bias [O] or null → [N, O, Ho, Wo]. Each image is unfolded by im2col
 * (kept for the backward) and multiplied by the weight in one GEMM.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const engine = x.engine;
  engine.check(x);
  engine.check(weight);
  if (x.rank !== 4 || weight.rank !== 4 || weight.dim(1) !== x.dim(1)) {
    throw new ShapeError(`conv2d: expected x [N, C, H, W] and weight [O, C, kh, kw] with the same C, got ${x.describe()} and ${weight.describe()}.`);
  }
  const [strideHeight, strideWidth] = pair(options.stride, 1);
  const [padHeight, padWidth] = pair(options.padding, 0);
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const [outChannels, , kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
  const outputHeight = Math.floor((height + 2 * padHeight - kernelHeight) / strideHeight) + 1;
  const outputWidth = Math.floor((width + 2 * padWidth - kernelWidth) / strideWidth) + 1;
  if (outputHeight <= 0 || outputWidth <= 0) {
    throw new ShapeError(`conv2d: a ${kernelHeight}×${kernelWidth} kernel does not fit ${x.describe()} with padding ${padHeight}/${padWidth}.`);
  }
  checkBias("conv2d", bias, outChannels);
  const geometry: ConvGeometry = { channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, outputHeight, outputWidth };
  const patch = channels * kernelHeight * kernelWidth;
  const positions = outputHeight * outputWidth;
  const columns = engine.empty([batch, patch, positions]);
  const out = engine.empty([batch, outChannels, outputHeight, outputWidth]);
  for (let n = 0; n < batch; n++) {
    const cols = columns.data.subarray(n * patch * positions, (n + 1) * patch * positions);
    im2col(x.data, n * channels * height * width, geometry, cols);
    const image = out.data.subarray(n * outChannels * positions, (n + 1) * outChannels * positions);
    engine.kernels.gemm(false, false, outChannels, positions, patch, 1, weight.data, patch, cols, positions, 0, image, positions);
    if (bias !== null) addChannelBias(image, bias.data, outChannels, positions);
  }
  const node = engine.record(conv2dBackward, out, x, weight, bias);
  if (node !== null) {
    node.saved = columns;
    node.config = geometry;
  }
  return out;
}

function conv2dBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b!;
  const bias = node.c;
  const engine = x.engine;
  const kernels = engine.kernels;
  const geometry = node.config as ConvGeometry;
  const { channels, height, width, kernelHeight, kernelWidth, outputHeight, outputWidth } = geometry;
  const batch = x.dim(0);
  const outChannels = weight.dim(0);
  const patch = channels * kernelHeight * kernelWidth;
  const positions = outputHeight * outputWidth;
  const dOut = node.out.grad!;
  const columns = node.saved!.data;
  if (engine.needsGrad(weight)) {
    const claimed = engine.claimGrad(weight);
    for (let n = 0; n < batch; n++) {
      kernels.gemm(false, true, outChannels, patch, positions, 1, dOut.subarray(n * outChannels * positions), positions,
        columns.subarray(n * patch * positions), positions, n === 0 ? claimed : 1, weight.grad!, patch);
    }
  }
  if (engine.needsGrad(bias)) sumChannels(engine.claimGrad(bias), dOut, batch, outChannels, positions, bias.grad!);
  if (engine.needsGrad(x)) {
    const beta = engine.claimGrad(x);
    const grad = x.grad!;
    if (beta === 0) grad.fill(0);
    const dColumns = engine.arena.allocateTransient(patch * positions);
    for (let n = 0; n < batch; n++) {
      kernels.gemm(true, false, patch, positions, outChannels, 1, weight.data, patch, dOut.subarray(n * outChannels * positions), positions, 0, dColumns, positions);
      col2imAccumulate(dColumns, geometry, grad, n * channels * height * width);
    }
  }
}

/**
 * Transposed convolution (torch.nn.functional.conv_transpose2d, groups = 1, dilation = 1):
 * x [N, Cin, H, W], weight [Cin, Cout, kh, kw], bias [Cout] or null →
 * [N, Cout, (H−1)·s − 2p + kh + outputPadding, …]. The adjoint of conv2d: one GEMM per image
 * into columns, then col2im.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTranspose2dOptions = {}): Tensor {
  const engine = x.engine;
  engine.check(x);
  engine.check(weight);
  if (x.rank !== 4 || weight.rank !== 4 || weight.dim(0) !== x.dim(1)) {
    throw new ShapeError(`convTranspose2d: expected x [N, Cin, H, W] and weight [Cin, Cout, kh, kw] with the same Cin, got ${x.describe()} and ${weight.describe()}.`);
  }
  const [strideHeight, strideWidth] = pair(options.stride, 1);
  const [padHeight, padWidth] = pair(options.padding, 0);
  const [extraHeight, extraWidth] = pair(options.outputPadding, 0);
  const [batch, inChannels, inHeight, inWidth] = x.shape as [number, number, number, number];
  const [, outChannels, kernelHeight, kernelWidth] = weight.shape as [number, number, number, number];
  const outHeight = (inHeight - 1) * strideHeight - 2 * padHeight + kernelHeight + extraHeight;
  const outWidth = (inWidth - 1) * strideWidth - 2 * padWidth + kernelWidth + extraWidth;
  if (outHeight <= 0 || outWidth <= 0) throw new ShapeError(`convTranspose2d: output size ${outHeight}×${outWidth} is empty for ${x.describe()}.`);
  checkBias("convTranspose2d", bias, outChannels);
  // Seen from the output, this is a conv2d whose window positions are the input pixels.
  const geometry: ConvGeometry = {
    channels: outChannels, height: outHeight, width: outWidth, kernelHeight, kernelWidth,
    strideHeight, strideWidth, padHeight, padWidth, outputHeight: inHeight, outputWidth: inWidth,
  };
  const patch = outChannels * kernelHeight * kernelWidth;
  const positions = inHeight * inWidth;
  const outPlane = outChannels * outHeight * outWidth;
  const out = engine.empty([batch, outChannels, outHeight, outWidth]);
  out.data.fill(0);
  const columns = engine.arena.allocateTransient(patch * positions);
  for (let n = 0; n < batch; n++) {
    engine.kernels.gemm(true, false, patch, positions, inChannels, 1, weight.data, patch, x.data.subarray(n * inChannels * positions), positions, 0, columns, positions);
    col2imAccumulate(columns, geometry, out.data, n * outPlane);
    if (bias !== null) addChannelBias(out.data.subarray(n * outPlane, (n + 1) * outPlane), bias.data, outChannels, outHeight * outWidth);
  }
  const node = engine.record(convTranspose2dBackward, out, x, weight, bias);
  if (node !== null) node.config = geometry;
  return out;
}

function convTranspose2dBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b!;
  const bias = node.c;
  const engine = x.engine;
  const kernels = engine.kernels;
  const geometry = node.config as ConvGeometry;
  const { channels: outChannels, height: outHeight, width: outWidth, kernelHeight, kernelWidth } = geometry;
  const [batch, inChannels] = x.shape as [number, number];
  const patch = outChannels * kernelHeight * kernelWidth;
  const positions = geometry.outputHeight * geometry.outputWidth;
  const outPlane = outChannels * outHeight * outWidth;
  const dOut = node.out.grad!;
  if (engine.needsGrad(bias)) sumChannels(engine.claimGrad(bias), dOut, batch, outChannels, outHeight * outWidth, bias.grad!);
  const wantX = engine.needsGrad(x);
  const wantWeight = engine.needsGrad(weight);
  if (!wantX && !wantWeight) return;
  const betaX = wantX ? engine.claimGrad(x) : 0;
  const betaWeight = wantWeight ? engine.claimGrad(weight) : 0;
  const columns = engine.arena.allocateTransient(patch * positions);
  for (let n = 0; n < batch; n++) {
    im2col(dOut, n * outPlane, geometry, columns);
    if (wantX) {
      kernels.gemm(false, false, inChannels, positions, patch, 1, weight.data, patch, columns, positions, betaX, x.grad!.subarray(n * inChannels * positions), positions);
    }
    if (wantWeight) {
      kernels.gemm(false, true, inChannels, patch, positions, 1, x.data.subarray(n * inChannels * positions), positions, columns, positions, n === 0 ? betaWeight : 1, weight.grad!, patch);
    }
  }
}

function checkBias(op: string, bias: Tensor | null, channels: number): void {
  if (bias === null) return;
  bias.engine.check(bias);
  if (bias.size !== channels) throw new ShapeError(`${op}: bias must have ${channels} elements (one per output channel), got ${bias.describe()}.`);
}

function addChannelBias(image: Float32Array, bias: Float32Array, channels: number, positions: number): void {
  for (let c = 0; c < channels; c++) {
    const value = bias[c]!;
    for (let p = 0; p < positions; p++) image[c * positions + p]! += value;
  }
}

function sumChannels(beta: 0 | 1, dOut: Float32Array, batch: number, channels: number, positions: number, grad: Float32Array): void {
  for (let c = 0; c < channels; c++) {
    let total = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * positions;
      for (let p = 0; p < positions; p++) total += dOut[base + p]!;
    }
    grad[c] = beta === 0 ? total : grad[c]! + total;
  }
}
