import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/core";
import { col2imAccumulate, im2col, type ConvGeometry } from "./im2col.js";

/** Every geometry of small kernels, strides and paddings, some of whose windows start or end outside the image. */
function* geometries(): Generator<ConvGeometry> {
  for (const [height, width] of [[5, 7], [6, 4], [3, 3]] as const) {
    for (const kernel of [1, 2, 3]) {
      for (const stride of [1, 2, 3]) {
        for (const pad of [0, 1, 2]) {
          const outputHeight = Math.floor((height + 2 * pad - kernel) / stride) + 1;
          const outputWidth = Math.floor((width + 2 * pad - kernel) / stride) + 1;
          if (outputHeight > 0 && outputWidth > 0) {
            yield { channels: 2, height, width, kernelHeight: kernel, kernelWidth: kernel, strideHeight: stride, strideWidth: stride, padHeight: pad, padWidth: pad, outputHeight, outputWidth };
          }
        }
      }
    }
  }
}

/** Column (c, ki, kj) row, position (oy, ox): the input pixel under it, or 0 in the padding — by definition. */
function definition(image: Float32Array, offset: number, g: ConvGeometry, c: number, ki: number, kj: number, oy: number, ox: number): number {
  const iy = oy * g.strideHeight - g.padHeight + ki;
  const ix = ox * g.strideWidth - g.padWidth + kj;
  return iy < 0 || iy >= g.height || ix < 0 || ix >= g.width ? 0 : image[offset + (c * g.height + iy) * g.width + ix]!;
}

test("im2col puts every input pixel (or padding 0) where the window definition says, for every stride, padding and edge", () => {
  for (const g of geometries()) {
    const offset = 3;
    const image = Rng.fromSeed(1).fillUniform(new Float32Array(offset + g.channels * g.height * g.width), -1, 1);
    const positions = g.outputHeight * g.outputWidth;
    const columns = new Float32Array(g.channels * g.kernelHeight * g.kernelWidth * positions).fill(Number.NaN);
    im2col(image, offset, g, columns);
    for (let c = 0; c < g.channels; c++) {
      for (let ki = 0; ki < g.kernelHeight; ki++) {
        for (let kj = 0; kj < g.kernelWidth; kj++) {
          for (let oy = 0; oy < g.outputHeight; oy++) {
            for (let ox = 0; ox < g.outputWidth; ox++) {
              const row = (c * g.kernelHeight + ki) * g.kernelWidth + kj;
              assert.equal(columns[row * positions + oy * g.outputWidth + ox], definition(image, offset, g, c, ki, kj, oy, ox), JSON.stringify(g));
            }
          }
        }
      }
    }
  }
});

test("col2imAccumulate is im2col's adjoint: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩, and it adds onto the image", () => {
  for (const g of geometries()) {
    const rng = Rng.fromSeed(2);
    const size = g.channels * g.height * g.width;
    const x = rng.fillUniform(new Float32Array(size), -1, 1);
    const y = rng.fillUniform(new Float32Array(g.channels * g.kernelHeight * g.kernelWidth * g.outputHeight * g.outputWidth), -1, 1);
    const columns = new Float32Array(y.length);
    im2col(x, 0, g, columns);
    const start = rng.fillUniform(new Float32Array(size), -1, 1);
    const accumulated = Float32Array.from(start);
    col2imAccumulate(y, g, accumulated, 0);
    let left = 0;
    let right = 0;
    for (let i = 0; i < y.length; i++) left += columns[i]! * y[i]!;
    for (let i = 0; i < size; i++) right += x[i]! * (accumulated[i]! - start[i]!);
    assert.ok(Math.abs(left - right) < 1e-4 * Math.max(1, Math.abs(left)), `${JSON.stringify(g)}: ${left} vs ${right}`);
  }
});
