import { col2imAccumulate, im2col } from "../ops/im2col.js";
import { KernelArgumentError } from "./kernel-errors.js";
import type { ConvWindow } from "./kernels.js";

/**
 * The js reference of the convolution layout kernels (see Kernels.im2colBatch and the ones after
 * it), and the argument checks the compiled backends run before handing pointers to C.
 */

/** The window's fields in the order the compiled kernels take them. */
export function windowFields(window: ConvWindow): [number, number, number, number, number, number, number, number, number, number, number] {
  return [
    window.channels, window.height, window.width, window.kernelHeight, window.kernelWidth,
    window.strideHeight, window.strideWidth, window.padHeight, window.padWidth, window.outputHeight, window.outputWidth,
  ];
}

export function im2colBatchReference(images: Float32Array, window: ConvWindow, count: number, columns: Float32Array): void {
  const imageSize = window.channels * window.height * window.width;
  const positions = window.outputHeight * window.outputWidth;
  for (let n = 0; n < count; n++) im2col(images, n * imageSize, window, columns, n * positions, count * positions);
}

export function col2imBatchReference(columns: Float32Array, window: ConvWindow, count: number, images: Float32Array): void {
  const imageSize = window.channels * window.height * window.width;
  const positions = window.outputHeight * window.outputWidth;
  for (let n = 0; n < count; n++) col2imAccumulate(columns, window, images, n * imageSize, n * positions, count * positions);
}

export function channelsToImagesReference(
  source: Float32Array, bias: Float32Array | null, count: number, channels: number, positions: number, beta: number, out: Float32Array,
): void {
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      const from = (c * count + n) * positions;
      const to = (n * channels + c) * positions;
      const add = bias === null ? 0 : bias[c]!;
      for (let p = 0; p < positions; p++) {
        // float32 after each step, as the compiled kernels round.
        const value = bias === null ? source[from + p]! : Math.fround(source[from + p]! + add);
        out[to + p] = beta === 0 ? value : out[to + p]! + value;
      }
    }
  }
}

export function imagesToChannelsReference(images: Float32Array, count: number, channels: number, positions: number, out: Float32Array): void {
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      out.set(images.subarray((n * channels + c) * positions, (n * channels + c + 1) * positions), (c * count + n) * positions);
    }
  }
}

export function gridToImagesReference(
  source: Float32Array, bias: Float32Array | null, count: number, channels: number, gridHeight: number, gridWidth: number,
  height: number, width: number, beta: number, out: Float32Array,
): void {
  const plane = gridHeight * gridWidth;
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      const add = bias === null ? 0 : bias[c]!;
      for (let y = 0; y < height; y++) {
        const from = (c * count + n) * plane + y * gridWidth;
        const to = ((n * channels + c) * height + y) * width;
        for (let x = 0; x < width; x++) {
          const value = bias === null ? source[from + x]! : Math.fround(source[from + x]! + add);
          out[to + x] = beta === 0 ? value : out[to + x]! + value;
        }
      }
    }
  }
}

export function imagesToGridReference(
  images: Float32Array, count: number, channels: number, height: number, width: number, gridHeight: number, gridWidth: number, out: Float32Array,
): void {
  const plane = gridHeight * gridWidth;
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (c * count + n) * plane;
      out.fill(0, base, base + plane);
      for (let y = 0; y < height; y++) {
        const from = ((n * channels + c) * height + y) * width;
        out.set(images.subarray(from, from + width), base + y * gridWidth);
      }
    }
  }
}

export function sumChannelsReference(images: Float32Array, count: number, channels: number, positions: number, beta: number, out: Float32Array): void {
  // float64 in eight lanes (position p into lane p mod 8), added pairwise: the compiled kernels' order.
  const lane = new Float64Array(8);
  for (let c = 0; c < channels; c++) {
    lane.fill(0);
    for (let n = 0; n < count; n++) {
      const base = (n * channels + c) * positions;
      for (let p = 0; p < positions; p++) lane[p & 7]! += images[base + p]!;
    }
    const total = ((lane[0]! + lane[1]!) + (lane[2]! + lane[3]!)) + ((lane[4]! + lane[5]!) + (lane[6]! + lane[7]!));
    out[c] = beta === 0 ? total : out[c]! + total;
  }
}

export function addChannelBiasReference(images: Float32Array, bias: Float32Array, count: number, channels: number, positions: number): void {
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * positions;
      const value = bias[c]!;
      for (let p = 0; p < positions; p++) images[base + p]! += value;
    }
  }
}

function checkCount(kernel: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new KernelArgumentError(`${kernel}: ${name} must be a non-negative integer, got ${value}.`);
  }
}

function checkHolds(kernel: string, name: string, view: Float32Array, shape: string, needed: number): void {
  if (view.length < needed) {
    throw new KernelArgumentError(`${kernel}: ${name} must hold ${shape} = ${needed} floats, but holds ${view.length}. Check count and the window against the arrays passed.`);
  }
}

/** The window's sizes are integers in range, and images and columns hold what the window and count need. */
export function checkWindowArguments(kernel: string, window: ConvWindow, count: number, images: Float32Array, columns: Float32Array): void {
  const fields = windowFields(window);
  const positive = [0, 1, 2, 3, 4, 5, 6, 9, 10];
  const names = ["channels", "height", "width", "kernelHeight", "kernelWidth", "strideHeight", "strideWidth", "padHeight", "padWidth", "outputHeight", "outputWidth"];
  fields.forEach((value, index) => {
    const least = positive.includes(index) ? 1 : 0;
    if (!Number.isInteger(value) || value < least || value > 65535) {
      throw new KernelArgumentError(`${kernel}: window.${names[index]} must be an integer in [${least}, 65535], got ${value}.`);
    }
  });
  checkCount(kernel, "count", count);
  const { channels, height, width, kernelHeight, kernelWidth, outputHeight, outputWidth } = window;
  checkHolds(kernel, "images", images, `[${count}, ${channels}, ${height}, ${width}]`, count * channels * height * width);
  const patch = channels * kernelHeight * kernelWidth;
  checkHolds(kernel, "columns", columns, `[${patch}, ${count}·${outputHeight * outputWidth}]`, patch * count * outputHeight * outputWidth);
}

/** count, channels and positions are integers and every array holds count·channels·positions floats (bias: channels). */
export function checkChannelArguments(
  kernel: string, count: number, channels: number, positions: number, arrays: Record<string, Float32Array | null>, perChannel: Record<string, Float32Array | null> = {},
): void {
  checkCount(kernel, "count", count);
  checkCount(kernel, "channels", channels);
  checkCount(kernel, "positions", positions);
  for (const [name, view] of Object.entries(arrays)) {
    if (view !== null) checkHolds(kernel, name, view, `[${count}, ${channels}, ${positions}]`, count * channels * positions);
  }
  for (const [name, view] of Object.entries(perChannel)) {
    if (view !== null) checkHolds(kernel, name, view, `[${channels}]`, channels);
  }
}

/**
 * count, channels and the sizes are integers, the height × width window fits the gridHeight ×
 * gridWidth plane, images hold [count, channels, height, width] and grid [channels, count·plane].
 */
export function checkGridArguments(
  kernel: string, count: number, channels: number, gridHeight: number, gridWidth: number, height: number, width: number,
  images: Float32Array, grid: Float32Array, bias: Float32Array | null = null,
): void {
  for (const [name, value] of [["count", count], ["channels", channels], ["gridHeight", gridHeight], ["gridWidth", gridWidth], ["height", height], ["width", width]] as const) {
    checkCount(kernel, name, value);
  }
  if (height > gridHeight || width > gridWidth) {
    throw new KernelArgumentError(`${kernel}: the ${height}×${width} window must fit the ${gridHeight}×${gridWidth} grid plane. Pass the larger sizes as the grid's.`);
  }
  checkHolds(kernel, "images", images, `[${count}, ${channels}, ${height}, ${width}]`, count * channels * height * width);
  checkHolds(kernel, "grid", grid, `[${channels}, ${count}·${gridHeight * gridWidth}]`, channels * count * gridHeight * gridWidth);
  if (bias !== null) checkHolds(kernel, "bias", bias, `[${channels}]`, channels);
}

/** beta of the layout kernels that only overwrite or add. */
export function checkBetaZeroOrOne(kernel: string, beta: number): void {
  if (beta !== 0 && beta !== 1) throw new KernelArgumentError(`${kernel}: beta must be 0 (overwrite) or 1 (add), got ${beta}.`);
}
