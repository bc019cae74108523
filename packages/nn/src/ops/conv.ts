import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ConvolutionPath, Kernels } from "../kernels/kernels.js";
import { conv2dBackwardDirect, conv2dDirect, convTranspose2dBackwardDirect, convTranspose2dDirect } from "./conv-direct.js";
import { conv2dBackwardOnGrid, conv2dOnGrid, convTranspose2dBackwardOnGrid, convTranspose2dOnGrid, gridFits } from "./conv-grid.js";
import type { ConvGeometry } from "./im2col.js";

/** Stride and zero padding per side, one number for both axes or [height, width]. */
export interface Conv2dOptions {
  readonly stride?: number | readonly [number, number];
  readonly padding?: number | readonly [number, number];
  /**
   * Unfolded floats per chunk of images (default convChunkFloats). Smaller chunks take less
   * scratch memory and make more, narrower GEMMs; the weight gradient is summed chunk by chunk, so
   * its last bits depend on this (never on threads).
   */
  readonly chunkFloats?: number;
  /**
   * How a stride-1 unpadded layer is computed: "direct" (Kernels.convStride1), "grid" (kh·kw GEMMs
   * on shifted views, nothing unfolded), "im2col", or the backend's measured choice
   * (Kernels.convolutionPath, the default). Other layers always unfold. Results agree within
   * float32 rounding.
   */
  readonly path?: ConvolutionPath;
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
 * Floats of unfolded columns one chunk of images may take. A layer unfolds and multiplies its
 * batch a chunk at a time, so its scratch stays at ~4× this (columns, their gradient and two
 * channel-major copies) whatever the batch size, and nothing is kept for the backward pass: the
 * backward unfolds its chunk again, which costs a few percent of the GEMMs it feeds. At the pixel
 * encoder's 32 × 288 × 1521 layer this is 19 images per chunk, a GEMM 28 899 columns wide.
 */
export const convChunkFloats = 1 << 23;

/** Images per chunk for `perImage` unfolded floats per image (at least one image). */
function chunkImages(perImage: number, batch: number, budget: number | undefined): number {
  if (budget !== undefined && !(Number.isInteger(budget) && budget > 0)) {
    throw new ShapeError(`conv: chunkFloats must be a positive integer (unfolded floats per chunk of images), got ${budget}.`);
  }
  return Math.max(1, Math.min(batch, Math.floor((budget ?? convChunkFloats) / perImage)));
}

/** What a convolution's backward needs besides its inputs. */
interface ConvRecord {
  readonly geometry: ConvGeometry;
  /** Images per chunk, as the forward used. */
  readonly chunk: number;
  /** The path the forward took (the backward takes the same). */
  readonly path: ConvolutionPath;
}

/**
 * 2-D convolution (cross-correlation, as torch.nn.functional.conv2d): x [N, C, H, W],
 * weight [O, C, kh, kw], bias [O] or null → [N, O, Ho, Wo]. A stride-1 unpadded layer takes the
 * backend's path (Conv2dOptions.path: direct kernels, or GEMMs on a shifted grid); otherwise a chunk
 * of images is unfolded by im2colBatch into one [C·kh·kw, chunk·Ho·Wo] matrix and multiplied by
 * the weight in one GEMM (M = O, N = every output position of the chunk), whose channel-major
 * result is laid out as images with the bias added.
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
  const imageSize = channels * height * width;
  const out = engine.empty([batch, outChannels, outputHeight, outputWidth]);
  const kernels = engine.kernels;
  const path = pathOf(geometry, kernels, options.path);
  if (path !== "im2col") {
    const chunk = chunkImages((channels + outChannels) * height * width, batch, options.chunkFloats);
    const biasData = bias === null ? null : bias.data;
    if (path === "direct") conv2dDirect(engine, x.data, weight.data, biasData, geometry, outChannels, batch, out.data);
    else conv2dOnGrid(engine, x.data, weight.data, biasData, geometry, outChannels, batch, chunk, out.data);
    const node = engine.record(conv2dBackward, out, x, weight, bias);
    if (node !== null) node.config = { geometry, chunk, path } satisfies ConvRecord;
    return out;
  }
  const chunk = chunkImages(patch * positions, batch, options.chunkFloats);
  const mark = engine.arena.mark();
  const columns = engine.arena.allocateTransient(patch * chunk * positions);
  const product = engine.arena.allocateTransient(outChannels * chunk * positions);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const columnCount = count * positions;
    kernels.im2colBatch(x.data.subarray(first * imageSize, (first + count) * imageSize), geometry, count, columns);
    kernels.gemm(false, false, outChannels, columnCount, patch, 1, weight.data, patch, columns, columnCount, 0, product, columnCount);
    kernels.channelsToImages(product, bias === null ? null : bias.data, count, outChannels, positions, 0,
      out.data.subarray(first * outChannels * positions, (first + count) * outChannels * positions));
  }
  engine.arena.release(mark);
  const node = engine.record(conv2dBackward, out, x, weight, bias);
  if (node !== null) node.config = { geometry, chunk, path } satisfies ConvRecord;
  return out;
}

function conv2dBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b!;
  const bias = node.c;
  const engine = x.engine;
  const kernels = engine.kernels;
  const { geometry, chunk } = node.config as ConvRecord;
  const { channels, height, width, kernelHeight, kernelWidth, outputHeight, outputWidth } = geometry;
  const batch = x.dim(0);
  const outChannels = weight.dim(0);
  const patch = channels * kernelHeight * kernelWidth;
  const positions = outputHeight * outputWidth;
  const imageSize = channels * height * width;
  const dOut = node.out.grad!;
  if (engine.needsGrad(bias)) kernels.sumChannels(dOut, batch, outChannels, positions, engine.claimGrad(bias), bias.grad!);
  const wantWeight = engine.needsGrad(weight);
  const wantX = engine.needsGrad(x);
  if (!wantWeight && !wantX) return;
  const betaWeight = wantWeight ? engine.claimGrad(weight) : 0;
  const path = (node.config as ConvRecord).path;
  if (path !== "im2col") {
    const dx = wantX ? { beta: engine.claimGrad(x), grad: x.grad! } : null;
    const dw = wantWeight ? { beta: betaWeight, grad: weight.grad! } : null;
    if (path === "direct") conv2dBackwardDirect(engine, x.data, weight.data, dOut, geometry, outChannels, batch, dx, dw);
    else conv2dBackwardOnGrid(engine, x.data, weight.data, dOut, geometry, outChannels, batch, chunk, dx, dw);
    return;
  }
  if (wantX && engine.claimGrad(x) === 0) x.grad!.fill(0);
  const mark = engine.arena.mark();
  const columns = engine.arena.allocateTransient(patch * chunk * positions);
  const dProduct = engine.arena.allocateTransient(outChannels * chunk * positions);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const columnCount = count * positions;
    kernels.imagesToChannels(dOut.subarray(first * outChannels * positions, (first + count) * outChannels * positions), count, outChannels, positions, dProduct);
    if (wantWeight) {
      // Unfolded again rather than kept from the forward pass: see convChunkFloats.
      kernels.im2colBatch(x.data.subarray(first * imageSize, (first + count) * imageSize), geometry, count, columns);
      kernels.gemm(false, true, outChannels, patch, columnCount, 1, dProduct, columnCount, columns, columnCount, first === 0 ? betaWeight : 1, weight.grad!, patch);
    }
    if (wantX) {
      kernels.gemm(true, false, patch, columnCount, outChannels, 1, weight.data, patch, dProduct, columnCount, 0, columns, columnCount);
      kernels.col2imBatch(columns, geometry, count, x.grad!.subarray(first * imageSize, (first + count) * imageSize));
    }
  }
  engine.arena.release(mark);
}

/**
 * Transposed convolution (torch.nn.functional.conv_transpose2d, groups = 1, dilation = 1):
 * x [N, Cin, H, W], weight [Cin, Cout, kh, kw], bias [Cout] or null →
 * [N, Cout, (H−1)·s − 2p + kh + outputPadding, …]. The adjoint of conv2d: stride 1 without
 * padding takes the backend's path as conv2d does; otherwise per chunk of images one GEMM from the
 * channel-major input into columns, then col2imBatch.
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
  const kernels = engine.kernels;
  const out = engine.empty([batch, outChannels, outHeight, outWidth]);
  const path = extraHeight === 0 && extraWidth === 0 ? pathOf(geometry, kernels, options.path) : "im2col";
  if (path !== "im2col") {
    const chunk = chunkImages((inChannels + outChannels) * outHeight * outWidth, batch, options.chunkFloats);
    const biasData = bias === null ? null : bias.data;
    if (path === "direct") convTranspose2dDirect(engine, x.data, weight.data, biasData, geometry, inChannels, batch, out.data);
    else convTranspose2dOnGrid(engine, x.data, weight.data, biasData, geometry, inChannels, batch, chunk, out.data);
    const node = engine.record(convTranspose2dBackward, out, x, weight, bias);
    if (node !== null) node.config = { geometry, chunk, path } satisfies ConvRecord;
    return out;
  }
  out.data.fill(0);
  const chunk = chunkImages(patch * positions, batch, options.chunkFloats);
  const mark = engine.arena.mark();
  const columns = engine.arena.allocateTransient(patch * chunk * positions);
  const input = engine.arena.allocateTransient(inChannels * chunk * positions);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const columnCount = count * positions;
    kernels.imagesToChannels(x.data.subarray(first * inChannels * positions, (first + count) * inChannels * positions), count, inChannels, positions, input);
    kernels.gemm(true, false, patch, columnCount, inChannels, 1, weight.data, patch, input, columnCount, 0, columns, columnCount);
    kernels.col2imBatch(columns, geometry, count, out.data.subarray(first * outPlane, (first + count) * outPlane));
  }
  engine.arena.release(mark);
  if (bias !== null) kernels.addChannelBias(out.data, bias.data, batch, outChannels, outHeight * outWidth);
  const node = engine.record(convTranspose2dBackward, out, x, weight, bias);
  if (node !== null) node.config = { geometry, chunk, path } satisfies ConvRecord;
  return out;
}

function convTranspose2dBackward(node: TapeNode): void {
  const x = node.a!;
  const weight = node.b!;
  const bias = node.c;
  const engine = x.engine;
  const kernels = engine.kernels;
  const { geometry, chunk } = node.config as ConvRecord;
  const { channels: outChannels, height: outHeight, width: outWidth, kernelHeight, kernelWidth } = geometry;
  const [batch, inChannels] = x.shape as [number, number];
  const patch = outChannels * kernelHeight * kernelWidth;
  const positions = geometry.outputHeight * geometry.outputWidth;
  const outPlane = outChannels * outHeight * outWidth;
  const dOut = node.out.grad!;
  if (engine.needsGrad(bias)) kernels.sumChannels(dOut, batch, outChannels, outHeight * outWidth, engine.claimGrad(bias), bias.grad!);
  const wantX = engine.needsGrad(x);
  const wantWeight = engine.needsGrad(weight);
  if (!wantX && !wantWeight) return;
  const betaX = wantX ? engine.claimGrad(x) : 0;
  const betaWeight = wantWeight ? engine.claimGrad(weight) : 0;
  const path = (node.config as ConvRecord).path;
  if (path !== "im2col") {
    const dx = wantX ? { beta: betaX, grad: x.grad! } : null;
    const dw = wantWeight ? { beta: betaWeight, grad: weight.grad! } : null;
    if (path === "direct") convTranspose2dBackwardDirect(engine, x.data, weight.data, dOut, geometry, inChannels, batch, dx, dw);
    else convTranspose2dBackwardOnGrid(engine, x.data, weight.data, dOut, geometry, inChannels, batch, chunk, dx, dw);
    return;
  }
  const mark = engine.arena.mark();
  const columns = engine.arena.allocateTransient(patch * chunk * positions);
  const channelMajor = engine.arena.allocateTransient(inChannels * chunk * positions);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const columnCount = count * positions;
    const images = (first + count) * inChannels * positions;
    kernels.im2colBatch(dOut.subarray(first * outPlane, (first + count) * outPlane), geometry, count, columns);
    if (wantWeight) {
      kernels.imagesToChannels(x.data.subarray(first * inChannels * positions, images), count, inChannels, positions, channelMajor);
      kernels.gemm(false, true, inChannels, patch, columnCount, 1, channelMajor, columnCount, columns, columnCount, first === 0 ? betaWeight : 1, weight.grad!, patch);
    }
    if (wantX) {
      kernels.gemm(false, false, inChannels, columnCount, patch, 1, weight.data, patch, columns, columnCount, 0, channelMajor, columnCount);
      kernels.channelsToImages(channelMajor, null, count, inChannels, positions, betaX, x.grad!.subarray(first * inChannels * positions, images));
    }
  }
  engine.arena.release(mark);
}

/** The path this layer takes (see Conv2dOptions.path): layers other than stride 1 unpadded always unfold. */
function pathOf(geometry: ConvGeometry, kernels: Kernels, path: ConvolutionPath | undefined): ConvolutionPath {
  if (path !== undefined && path !== "direct" && path !== "grid" && path !== "im2col") {
    throw new ShapeError(`conv: path must be "direct", "grid" or "im2col" (or left out for the backend's choice), got ${JSON.stringify(path)}.`);
  }
  return gridFits(geometry) ? path ?? kernels.convolutionPath : "im2col";
}

function checkBias(op: string, bias: Tensor | null, channels: number): void {
  if (bias === null) return;
  bias.engine.check(bias);
  if (bias.size !== channels) throw new ShapeError(`${op}: bias must have ${channels} elements (one per output channel), got ${bias.describe()}.`);
}
