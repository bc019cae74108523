import { KernelArgumentError } from "./kernel-errors.js";
import type { ConvWindow } from "./kernels.js";

/**
 * The js references of Kernels.convStride1 (a stride-1 convolution with zero padding, written
 * whole) and Kernels.convStride1WeightGrad, and the argument checks run before either.
 */

export function convStride1Reference(
  input: Float32Array, window: ConvWindow, count: number, weight: Float32Array, bias: Float32Array | null, outChannels: number,
  beta: number, out: Float32Array,
): void {
  const { channels, height, width, kernelHeight, kernelWidth, padHeight, padWidth, outputHeight, outputWidth } = window;
  const taps = kernelHeight * kernelWidth;
  for (let n = 0; n < count; n++) {
    for (let o = 0; o < outChannels; o++) {
      const add = bias === null ? 0 : bias[o]!;
      for (let y = 0; y < outputHeight; y++) {
        for (let x = 0; x < outputWidth; x++) {
          let total = 0;
          for (let c = 0; c < channels; c++) {
            for (let ki = 0; ki < kernelHeight; ki++) {
              const iy = y + ki - padHeight;
              if (iy < 0 || iy >= height) continue;
              for (let kj = 0; kj < kernelWidth; kj++) {
                const ix = x + kj - padWidth;
                if (ix < 0 || ix >= width) continue;
                total += weight[(o * channels + c) * taps + ki * kernelWidth + kj]! * input[((n * channels + c) * height + iy) * width + ix]!;
              }
            }
          }
          const at = ((n * outChannels + o) * outputHeight + y) * outputWidth + x;
          const value = Math.fround(Math.fround(total) + add);
          out[at] = beta === 0 ? value : out[at]! + value;
        }
      }
    }
  }
}

/** Stride 1, a window whose output size follows from its padding, and arrays that hold what it needs. */
export function checkConvStride1Arguments(
  window: ConvWindow, count: number, input: Float32Array, weight: Float32Array, bias: Float32Array | null, outChannels: number,
  beta: number, out: Float32Array,
): void {
  const { channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, outputHeight, outputWidth } = window;
  const sizes = { channels, height, width, kernelHeight, kernelWidth, padHeight, padWidth, outputHeight, outputWidth, count, outChannels };
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new KernelArgumentError(`convStride1: ${name} must be an integer in [0, 65535], got ${value}.`);
  }
  if (strideHeight !== 1 || strideWidth !== 1) {
    throw new KernelArgumentError(`convStride1: computes stride 1 only, got stride ${strideHeight}×${strideWidth}. Use im2colBatch + gemm for other strides.`);
  }
  if (outputHeight !== height + 2 * padHeight - kernelHeight + 1 || outputWidth !== width + 2 * padWidth - kernelWidth + 1) {
    throw new KernelArgumentError(
      `convStride1: a ${kernelHeight}×${kernelWidth} kernel on ${height}×${width} padded by ${padHeight}/${padWidth} gives ` +
        `${height + 2 * padHeight - kernelHeight + 1}×${width + 2 * padWidth - kernelWidth + 1}, but the window says ${outputHeight}×${outputWidth}.`,
    );
  }
  if (beta !== 0 && beta !== 1) throw new KernelArgumentError(`convStride1: beta must be 0 (overwrite) or 1 (add), got ${beta}.`);
  const holds = (name: string, view: Float32Array, shape: string, needed: number): void => {
    if (view.length < needed) throw new KernelArgumentError(`convStride1: ${name} must hold ${shape} = ${needed} floats, but holds ${view.length}.`);
  };
  holds("input", input, `[${count}, ${channels}, ${height}, ${width}]`, count * channels * height * width);
  holds("weight", weight, `[${outChannels}, ${channels}, ${kernelHeight}, ${kernelWidth}]`, outChannels * channels * kernelHeight * kernelWidth);
  if (bias !== null) holds("bias", bias, `[${outChannels}]`, outChannels);
  holds("out", out, `[${count}, ${outChannels}, ${outputHeight}, ${outputWidth}]`, count * outChannels * outputHeight * outputWidth);
}

/**
 * The js reference of Kernels.convStride1WeightGrad: out[a, b, ki, kj] = (beta ? out : 0) +
 * Σ_n Σ_y Σ_x small[n, a, y, x] · big[n, b, y + ki, x + kj].
 */
export function convStride1WeightGradReference(
  small: Float32Array, big: Float32Array, count: number, smallChannels: number, bigChannels: number, smallHeight: number, smallWidth: number,
  kernelHeight: number, kernelWidth: number, beta: number, out: Float32Array,
): void {
  const bigHeight = smallHeight + kernelHeight - 1;
  const bigWidth = smallWidth + kernelWidth - 1;
  const taps = kernelHeight * kernelWidth;
  for (let a = 0; a < smallChannels; a++) {
    for (let b = 0; b < bigChannels; b++) {
      for (let ki = 0; ki < kernelHeight; ki++) {
        for (let kj = 0; kj < kernelWidth; kj++) {
          let total = 0;
          for (let n = 0; n < count; n++) {
            const smallBase = (n * smallChannels + a) * smallHeight * smallWidth;
            const bigBase = (n * bigChannels + b) * bigHeight * bigWidth;
            for (let y = 0; y < smallHeight; y++) {
              for (let x = 0; x < smallWidth; x++) total += small[smallBase + y * smallWidth + x]! * big[bigBase + (y + ki) * bigWidth + x + kj]!;
            }
          }
          const at = (a * bigChannels + b) * taps + ki * kernelWidth + kj;
          out[at] = beta === 0 ? total : out[at]! + total;
        }
      }
    }
  }
}

/** Integer sizes, beta 0 or 1, and arrays that hold what the sizes need. */
export function checkConvStride1WeightGradArguments(
  small: Float32Array, big: Float32Array, count: number, smallChannels: number, bigChannels: number, smallHeight: number, smallWidth: number,
  kernelHeight: number, kernelWidth: number, beta: number, out: Float32Array,
): void {
  const sizes = { count, smallChannels, bigChannels, smallHeight, smallWidth, kernelHeight, kernelWidth };
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new KernelArgumentError(`convStride1WeightGrad: ${name} must be an integer in [0, 65535], got ${value}.`);
  }
  if (beta !== 0 && beta !== 1) throw new KernelArgumentError(`convStride1WeightGrad: beta must be 0 (overwrite) or 1 (add), got ${beta}.`);
  const bigHeight = smallHeight + kernelHeight - 1;
  const bigWidth = smallWidth + kernelWidth - 1;
  const holds = (name: string, view: Float32Array, shape: string, needed: number): void => {
    if (view.length < needed) throw new KernelArgumentError(`convStride1WeightGrad: ${name} must hold ${shape} = ${needed} floats, but holds ${view.length}.`);
  };
  holds("small", small, `[${count}, ${smallChannels}, ${smallHeight}, ${smallWidth}]`, count * smallChannels * smallHeight * smallWidth);
  holds("big", big, `[${count}, ${bigChannels}, ${bigHeight}, ${bigWidth}]`, count * bigChannels * bigHeight * bigWidth);
  holds("out", out, `[${smallChannels}, ${bigChannels}, ${kernelHeight}, ${kernelWidth}]`, smallChannels * bigChannels * kernelHeight * kernelWidth);
}
