/**
 * The convolution layout kernels (im2colBatch, col2imBatch, channelsToImages, imagesToChannels,
 * gridToImages, imagesToGrid, sumChannels, addChannelBias) and the conv ops built on them (the
 * im2col path and the grid path of stride-1 unpadded layers), on every backend against the js
 * reference, and on one against two threads.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { conv2d, convTranspose2d } from "../ops/conv.js";
import { KernelArgumentError } from "./kernel-errors.js";
import type { ConvolutionPath, ConvWindow, Kernels } from "./kernels.js";
import { NativeKernels } from "./native-kernels.js";
import { WasmKernels } from "./wasm-kernels.js";
import { assertSameBits, copyInto, filled, reference, testedBackends } from "../testing/backend-fixtures.js";

const backends = testedBackends();

function window(channels: number, height: number, width: number, kernel: [number, number], stride: [number, number], pad: [number, number]): ConvWindow {
  return {
    channels, height, width, kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: stride[0], strideWidth: stride[1],
    padHeight: pad[0], padWidth: pad[1],
    outputHeight: Math.floor((height + 2 * pad[0] - kernel[0]) / stride[0]) + 1,
    outputWidth: Math.floor((width + 2 * pad[1] - kernel[1]) / stride[1]) + 1,
  };
}

// Strides 1-3, paddings 0-2, square and oblong kernels, and the pixel encoder's first layer
// (9 channels, 3×3 stride 2) at a batch large enough to be split over threads.
const windows: Array<[ConvWindow, number]> = [
  [window(3, 7, 6, [3, 3], [1, 1], [0, 0]), 3],
  [window(2, 9, 8, [3, 2], [2, 3], [1, 2]), 4],
  [window(4, 5, 5, [1, 1], [1, 1], [0, 0]), 2],
  [window(5, 11, 10, [3, 3], [2, 1], [2, 1]), 5],
  [window(9, 84, 84, [3, 3], [2, 2], [0, 0]), 6],
];

/** Shapes of the channel-major kernels' inputs (count, channels, positions) and their number. */
const channelShapes = 3;
/** Grid shapes (count, channels, gridHeight, gridWidth, height, width): window smaller, equal, and the encoder's 39×39 in 41×41. */
const gridShapes: ReadonlyArray<readonly [number, number, number, number, number, number]> = [
  [3, 2, 6, 5, 4, 3],
  [2, 3, 4, 4, 4, 4],
  [7, 32, 41, 41, 39, 39],
];

function same(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}: element ${i} is ${actual[i]}, the reference ${expected[i]}`);
  }
}

/** Runs every layout kernel once on `kernels` with the inputs drawn from `seed`; returns the outputs. */
function layoutOutputs(kernels: Kernels, seed: number): Float32Array[] {
  const rng = Rng.fromSeed(seed, "conv-layout-inputs");
  const outputs: Float32Array[] = [];
  for (const [geometry, count] of windows) {
    const patch = geometry.channels * geometry.kernelHeight * geometry.kernelWidth;
    const positions = geometry.outputHeight * geometry.outputWidth;
    const imageFloats = count * geometry.channels * geometry.height * geometry.width;
    const images = filled(kernels, imageFloats, rng);
    const columns = kernels.allocate(patch * count * positions).fill(Number.NaN); // every entry is written
    kernels.im2colBatch(images, geometry, count, columns);
    const gradient = filled(kernels, imageFloats, rng); // col2im adds onto it
    const dColumns = filled(kernels, patch * count * positions, rng);
    kernels.col2imBatch(dColumns, geometry, count, gradient);
    outputs.push(columns, gradient);
  }
  for (const [count, channels, positions] of [[3, 5, 7], [7, 32, 1521], [2, 3, 84 * 84]] as const) { // channelShapes of them
    const size = count * channels * positions;
    const source = filled(kernels, size, rng);
    const bias = filled(kernels, channels, rng);
    const overwritten = kernels.allocate(size).fill(Number.NaN);
    kernels.channelsToImages(source, bias, count, channels, positions, 0, overwritten);
    const added = filled(kernels, size, rng);
    kernels.channelsToImages(source, null, count, channels, positions, 1, added);
    const channelMajor = kernels.allocate(size).fill(Number.NaN);
    kernels.imagesToChannels(source, count, channels, positions, channelMajor);
    const sums = kernels.allocate(channels).fill(Number.NaN);
    kernels.sumChannels(source, count, channels, positions, 0, sums);
    const accumulated = filled(kernels, channels, rng);
    kernels.sumChannels(source, count, channels, positions, 1, accumulated);
    const biased = copyInto(kernels, source);
    kernels.addChannelBias(biased, bias, count, channels, positions);
    outputs.push(overwritten, added, channelMajor, sums, accumulated, biased);
  }
  for (const [count, channels, gridHeight, gridWidth, height, width] of gridShapes) {
    const gridSize = channels * count * gridHeight * gridWidth;
    const imageSize = count * channels * height * width;
    const source = filled(kernels, gridSize, rng);
    const bias = filled(kernels, channels, rng);
    const overwritten = kernels.allocate(imageSize).fill(Number.NaN);
    kernels.gridToImages(source, bias, count, channels, gridHeight, gridWidth, height, width, 0, overwritten);
    const added = filled(kernels, imageSize, rng);
    kernels.gridToImages(source, null, count, channels, gridHeight, gridWidth, height, width, 1, added);
    const grid = kernels.allocate(gridSize).fill(Number.NaN); // the window's values and zeros everywhere else
    kernels.imagesToGrid(added, count, channels, height, width, gridHeight, gridWidth, grid);
    outputs.push(overwritten, added, grid);
  }
  return outputs;
}

const layoutNames = (i: number): string => {
  const windowOutputs = windows.length * 2;
  if (i < windowOutputs) return `${i % 2 === 0 ? "im2colBatch" : "col2imBatch"} at window ${Math.floor(i / 2)}`;
  const j = i - windowOutputs;
  if (j < channelShapes * 6) return `${["channelsToImages (bias)", "channelsToImages (beta 1)", "imagesToChannels", "sumChannels", "sumChannels (beta 1)", "addChannelBias"][j % 6]} at shape ${Math.floor(j / 6)}`;
  const k = j - channelShapes * 6;
  return `${["gridToImages (bias)", "gridToImages (beta 1)", "imagesToGrid"][k % 3]} at grid shape ${Math.floor(k / 3)}`;
};

describe("convolution layout kernels match the js reference bit for bit", () => {
  test("im2colBatch, col2imBatch, channelsToImages, imagesToChannels, sumChannels and addChannelBias (same arithmetic, same order)", () => {
    const expected = layoutOutputs(reference, 5);
    for (const { label, kernels } of backends) {
      const actual = layoutOutputs(kernels, 5);
      actual.forEach((values, i) => same(values, expected[i]!, `${label} ${layoutNames(i)}`));
    }
  });

  test("arrays too short for the window, counts that are not integers and beta other than 0/1 are rejected", () => {
    const geometry = window(3, 7, 6, [3, 3], [1, 1], [0, 0]);
    for (const { label, kernels } of backends) {
      if (kernels.name === "js") continue;
      const images = kernels.allocate(2 * 3 * 7 * 6);
      const short = kernels.allocate(10);
      assert.throws(() => kernels.im2colBatch(images, geometry, 2, short), (e: unknown) => e instanceof KernelArgumentError && /columns must hold/.test(e.message), label);
      assert.throws(() => kernels.col2imBatch(short, geometry, 2, images), KernelArgumentError, label);
      assert.throws(() => kernels.im2colBatch(images, { ...geometry, strideWidth: 0 }, 1, kernels.allocate(10_000)), /strideWidth/, label);
      assert.throws(() => kernels.sumChannels(images, 1.5, 3, 4, 0, short), /count must be a non-negative integer/, label);
      assert.throws(() => kernels.channelsToImages(images, null, 2, 3, 4, 0.5, images), /beta must be 0/, label);
      assert.throws(() => kernels.imagesToChannels(images, 2, 3, 100, images), /images must hold/, label);
      assert.throws(() => kernels.gridToImages(images, null, 2, 3, 4, 4, 5, 4, 0, images), /window must fit the 4×4 grid plane/, label);
      assert.throws(() => kernels.imagesToGrid(images, 2, 3, 7, 6, 8, 8, short), /grid must hold/, label);
      assert.throws(() => kernels.gridToImages(images, null, 2, 3, 7, 6, 7, 6, 2, images), /beta must be 0/, label);
    }
  });
});

/**
 * conv2d (stride 2, 9 channels; im2col path), conv2d (stride 1; grid path), convTranspose2d
 * (stride 1; grid path), convTranspose2d (stride 2; im2col path), forward and every gradient, on `kernels`.
 */
function convOutputs(kernels: Kernels, chunkFloats?: number, path?: ConvolutionPath): Float32Array[] {
  const rng = Rng.fromSeed(21, "conv-op-inputs");
  const engine = new Engine(kernels);
  engine.beginStep();
  const values = (size: number): Float32Array => rng.fillUniform(new Float32Array(size), -1, 1);
  const x = engine.input([6, 9, 24, 22], values(6 * 9 * 24 * 22), true);
  const weight = engine.input([8, 9, 3, 3], values(8 * 81), true);
  const bias = engine.input([8], values(8), true);
  const options = { ...(chunkFloats === undefined ? {} : { chunkFloats }), ...(path === undefined ? {} : { path }) };
  const hidden = conv2d(x, weight, bias, { stride: 2, ...options });
  // 4 and 8 channels: the native direct kernel's blocks of 4 output channels, on every stride-1 step.
  const gridWeight = engine.input([4, 8, 3, 2], values(4 * 8 * 6), true);
  const gridBias = engine.input([4], values(4), true);
  const inner = conv2d(hidden, gridWeight, gridBias, options);
  const gridDeconvWeight = engine.input([4, 8, 3, 2], values(4 * 8 * 6), true);
  const gridDeconvBias = engine.input([8], values(8), true);
  const widened = convTranspose2d(inner, gridDeconvWeight, gridDeconvBias, options);
  const deconvWeight = engine.input([8, 3, 3, 3], values(8 * 27), true);
  const deconvBias = engine.input([3], values(3), true);
  const out = convTranspose2d(widened, deconvWeight, deconvBias, { stride: 2, outputPadding: 1, ...options });
  const seed = values(out.size);
  const forward = Float32Array.from(out.data);
  const tensors = [x, weight, bias, gridWeight, gridBias, gridDeconvWeight, gridDeconvBias, deconvWeight, deconvBias];
  engine.backward(out, tensors, { seed });
  return [forward, ...tensors.map((tensor) => Float32Array.from(tensor.grad!))];
}

const convNames = [
  "output", "x grad", "weight grad", "bias grad", "grid weight grad", "grid bias grad", "grid deconv weight grad", "grid deconv bias grad",
  "deconv weight grad", "deconv bias grad",
];

/** convStride1 on windows with and without padding, square and oblong kernels, 4·k and other channel counts. */
function stride1Outputs(kernels: Kernels): Float32Array[] {
  const rng = Rng.fromSeed(33, "conv-stride1-inputs");
  const outputs: Float32Array[] = [];
  const cases: Array<[ConvWindow, number, number]> = [
    [window(3, 7, 6, [3, 3], [1, 1], [0, 0]), 8, 3],
    [window(8, 9, 8, [3, 2], [1, 1], [2, 1]), 4, 2],
    [window(5, 6, 6, [2, 2], [1, 1], [1, 1]), 6, 2],
    [window(32, 13, 12, [3, 3], [1, 1], [2, 2]), 32, 5],
  ];
  for (const [geometry, outChannels, count] of cases) {
    const input = filled(kernels, count * geometry.channels * geometry.height * geometry.width, rng);
    const weight = filled(kernels, outChannels * geometry.channels * geometry.kernelHeight * geometry.kernelWidth, rng);
    const bias = filled(kernels, outChannels, rng);
    const size = count * outChannels * geometry.outputHeight * geometry.outputWidth;
    const overwritten = kernels.allocate(size).fill(Number.NaN);
    kernels.convStride1(input, geometry, count, weight, bias, outChannels, 0, overwritten);
    const added = filled(kernels, size, rng);
    kernels.convStride1(input, geometry, count, weight, null, outChannels, 1, added);
    outputs.push(overwritten, added);
  }
  // Weight gradients: blocks of 4 rows and not, kernels of 3, 2 and 5 columns (groups of 3 and a rest), widths off the vector size.
  const weightCases: Array<[number, number, number, number, number, number, number]> = [
    [3, 4, 3, 5, 6, 3, 3], [2, 8, 5, 7, 9, 3, 2], [2, 3, 2, 4, 4, 2, 2], [4, 32, 32, 13, 11, 3, 3], [1, 4, 2, 6, 10, 2, 5],
  ];
  for (const [count, smallChannels, bigChannels, height, width, kernelHeight, kernelWidth] of weightCases) {
    const small = filled(kernels, count * smallChannels * height * width, rng);
    const big = filled(kernels, count * bigChannels * (height + kernelHeight - 1) * (width + kernelWidth - 1), rng);
    const size = smallChannels * bigChannels * kernelHeight * kernelWidth;
    const overwritten = kernels.allocate(size).fill(Number.NaN);
    kernels.convStride1WeightGrad(small, big, count, smallChannels, bigChannels, height, width, kernelHeight, kernelWidth, 0, overwritten);
    const added = filled(kernels, size, rng);
    kernels.convStride1WeightGrad(small, big, count, smallChannels, bigChannels, height, width, kernelHeight, kernelWidth, 1, added);
    outputs.push(overwritten, added);
  }
  return outputs;
}

describe("convStride1 and convStride1WeightGrad (the direct path's kernels)", () => {
  test("agree with the js reference within float32 rounding, padded or not, with bias or beta 1", () => {
    const expected = stride1Outputs(reference);
    for (const { label, kernels } of backends) {
      stride1Outputs(kernels).forEach((values, i) => {
        const want = expected[i]!;
        for (let j = 0; j < want.length; j++) {
          if (!(Math.abs(values[j]! - want[j]!) <= 1e-5 * (Math.abs(want[j]!) + 16))) assert.fail(`${label} output ${i} [${j}] = ${values[j]}, js ${want[j]}`);
        }
      });
    }
  });

  test("reject strides other than 1, a window whose output size is wrong, short arrays and beta other than 0/1", () => {
    const geometry = window(3, 7, 6, [3, 3], [1, 1], [0, 0]);
    for (const { label, kernels } of backends) {
      const input = kernels.allocate(2 * 3 * 7 * 6);
      const weight = kernels.allocate(4 * 27);
      const out = kernels.allocate(2 * 4 * 5 * 4);
      kernels.convStride1(input, geometry, 2, weight, null, 4, 0, out);
      assert.throws(() => kernels.convStride1(input, window(3, 7, 6, [3, 3], [2, 2], [0, 0]), 2, weight, null, 4, 0, out), /stride 1 only, got stride 2×2/, label);
      assert.throws(() => kernels.convStride1(input, { ...geometry, outputHeight: 6 }, 2, weight, null, 4, 0, out), /gives 5×4, but the window says 6×4/, label);
      assert.throws(() => kernels.convStride1(input, geometry, 2, weight, null, 8, 0, out), /weight must hold \[8, 3, 3, 3\]/, label);
      assert.throws(() => kernels.convStride1(input, geometry, 2, weight, null, 4, 2, out), /beta must be 0/, label);
      assert.throws(() => kernels.convStride1WeightGrad(out, input, 2, 4, 3, 5, 4, 3, 3, 0, kernels.allocate(10)), /out must hold \[4, 3, 3, 3\]/, label);
      assert.throws(() => kernels.convStride1WeightGrad(kernels.allocate(2 * 4 * 6 * 4), input, 2, 4, 3, 6, 4, 3, 3, 0, weight), /big must hold/, label);
    }
  });
});

describe("conv2d and convTranspose2d on every backend", () => {
  test("forward and gradients agree with the js backend within float32 rounding, in one chunk, in chunks of 2 images (first layer) and of 1 image", () => {
    // 3000 floats: one image per chunk on every layer (the grid layers take (in + out) · 11 · 10 per image).
    // The js reference unfolds; every backend is checked on its own default path and on the grid path.
    for (const chunkFloats of [undefined, 2 * 81 * 11 * 11, 3000]) {
      const expected = convOutputs(reference, chunkFloats, "im2col");
      const runs = backends.flatMap(({ label, kernels }) => [
        { label, kernels, path: undefined },
        { label: `${label} (grid path)`, kernels, path: "grid" as const },
        { label: `${label} (direct path)`, kernels, path: "direct" as const },
      ]);
      for (const { label, kernels, path } of runs) {
        const actual = convOutputs(kernels, chunkFloats, path);
        actual.forEach((values, i) => {
          const want = expected[i]!;
          let scale = 0;
          for (const value of want) scale = Math.max(scale, Math.abs(value));
          for (let j = 0; j < want.length; j++) {
            if (!(Math.abs(values[j]! - want[j]!) <= 1e-5 * (scale + 1))) {
              assert.fail(`${label} ${convNames[i]} (chunkFloats ${chunkFloats}) [${j}] = ${values[j]}, js ${want[j]} (scale ${scale})`);
            }
          }
        });
      }
    }
  });

  test("chunking changes no forward value (each output is the same GEMM dot products either way)", () => {
    for (const path of ["im2col", "grid", "direct"] as const) {
      const whole = convOutputs(reference, undefined, path);
      for (const chunkFloats of [81 * 11 * 11, 3000]) same(convOutputs(reference, chunkFloats, path)[0]!, whole[0]!, `${path} output (chunkFloats ${chunkFloats})`);
    }
  });

  test("each backend gives the same bits run to run, and on one thread as on two", { timeout: 120_000 }, async (t) => {
    const wasmOne = backends.find((backend) => backend.label === "wasm")!.kernels as WasmKernels;
    const wasmTwo = backends.find((backend) => backend.label === "wasm-2-threads")!.kernels as WasmKernels;
    assertSameBits(convOutputs(wasmOne), convOutputs(wasmOne), (i) => `wasm ${convNames[i]} run to run`);
    assertSameBits(convOutputs(wasmOne), convOutputs(wasmTwo), (i) => `wasm ${convNames[i]}`);
    assertSameBits(convOutputs(wasmOne, undefined, "grid"), convOutputs(wasmTwo, undefined, "grid"), (i) => `wasm grid path ${convNames[i]}`);
    assertSameBits(layoutOutputs(wasmOne, 9), layoutOutputs(wasmTwo, 9), (i) => `wasm ${layoutNames(i)}`);
    const native = backends.find((backend) => backend.label === "native")?.kernels as NativeKernels | undefined;
    if (native === undefined) {
      t.diagnostic("native backend not available here: only wasm checked");
      return;
    }
    const threadsBefore = native.blasInfo().threads;
    try {
      const one = NativeKernels.load({ blasThreads: 1 });
      const oneConv = convOutputs(one);
      assertSameBits(stride1Outputs(one), stride1Outputs(NativeKernels.load({ blasThreads: 2 })), (i) => `native direct kernels output ${i}`);
      const oneLayout = layoutOutputs(one, 9);
      assertSameBits(oneConv, convOutputs(one), (i) => `native ${convNames[i]} run to run`);
      const two = NativeKernels.load({ blasThreads: 2 });
      assertSameBits(oneConv, convOutputs(two), (i) => `native ${convNames[i]}`);
      assertSameBits(oneLayout, layoutOutputs(two, 9), (i) => `native ${layoutNames(i)}`);
    } finally {
      NativeKernels.load({ blasThreads: Math.max(1, threadsBefore) });
    }
  });
});
