import type { ConvWindow } from "../kernels/kernels.js";

/**
 * Geometry of a 2-D convolution window sweep: input planes [channels, height, width] are read by
 * a kernelHeight × kernelWidth window at outputHeight × outputWidth positions (the kernels' ConvWindow).
 */
export type ConvGeometry = ConvWindow;

/**
 * Unfolds one image into a [channels·kh·kw, outputHeight·outputWidth] matrix whose column p holds
 * the window under output position p (zeros for padding), so the convolution is one GEMM. With
 * `columnOffset` and `rowStride` the matrix is a block of a wider one: the columns of one image
 * among a batch's [channels·kh·kw, count·positions].
 */
export function im2col(
  image: Float32Array, imageOffset: number, geometry: ConvGeometry, columns: Float32Array, columnOffset = 0,
  rowStride = geometry.outputHeight * geometry.outputWidth,
): void {
  const { channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, outputHeight, outputWidth } = geometry;
  for (let c = 0; c < channels; c++) {
    for (let ki = 0; ki < kernelHeight; ki++) {
      for (let kj = 0; kj < kernelWidth; kj++) {
        const rowStart = columnOffset + ((c * kernelHeight + ki) * kernelWidth + kj) * rowStride;
        for (let oy = 0; oy < outputHeight; oy++) {
          const iy = oy * strideHeight - padHeight + ki;
          const rowOffset = rowStart + oy * outputWidth;
          if (iy < 0 || iy >= height) {
            columns.fill(0, rowOffset, rowOffset + outputWidth);
            continue;
          }
          const inputRow = imageOffset + (c * height + iy) * width;
          // Output positions whose input column lies inside the image: [first, end).
          const first = firstInside(kj - padWidth, strideWidth);
          const end = Math.min(outputWidth, endInside(kj - padWidth, strideWidth, width));
          if (first >= end) {
            columns.fill(0, rowOffset, rowOffset + outputWidth);
            continue;
          }
          if (first > 0) columns.fill(0, rowOffset, rowOffset + first);
          if (end < outputWidth) columns.fill(0, rowOffset + end, rowOffset + outputWidth);
          // A plain loop: rows are short (tens of values), shorter than a subarray() + set() pays for.
          for (let ox = first, ix = inputRow + first * strideWidth - padWidth + kj; ox < end; ox++, ix += strideWidth) columns[rowOffset + ox] = image[ix]!;
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every column entry back onto the pixel it was read from (same block arguments). */
export function col2imAccumulate(
  columns: Float32Array, geometry: ConvGeometry, image: Float32Array, imageOffset: number, columnOffset = 0,
  rowStride = geometry.outputHeight * geometry.outputWidth,
): void {
  const { channels, height, width, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, outputHeight, outputWidth } = geometry;
  for (let c = 0; c < channels; c++) {
    for (let ki = 0; ki < kernelHeight; ki++) {
      for (let kj = 0; kj < kernelWidth; kj++) {
        const rowStart = columnOffset + ((c * kernelHeight + ki) * kernelWidth + kj) * rowStride;
        for (let oy = 0; oy < outputHeight; oy++) {
          const iy = oy * strideHeight - padHeight + ki;
          if (iy < 0 || iy >= height) continue;
          const inputRow = imageOffset + (c * height + iy) * width;
          const rowOffset = rowStart + oy * outputWidth;
          const first = firstInside(kj - padWidth, strideWidth);
          const end = Math.min(outputWidth, endInside(kj - padWidth, strideWidth, width));
          for (let ox = first, ix = inputRow + first * strideWidth - padWidth + kj; ox < end; ox++, ix += strideWidth) image[ix]! += columns[rowOffset + ox]!;
        }
      }
    }
  }
}

/** The first output position ox ≥ 0 with ox · stride + shift ≥ 0 (its input column is inside the image on the left). */
function firstInside(shift: number, stride: number): number {
  return shift >= 0 ? 0 : Math.ceil(-shift / stride);
}

/** One past the last output position with ox · stride + shift < width (inside the image on the right); may exceed the output width. */
function endInside(shift: number, stride: number, width: number): number {
  return width - shift <= 0 ? 0 : Math.ceil((width - shift) / stride);
}
