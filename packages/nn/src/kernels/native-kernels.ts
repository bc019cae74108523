import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import {
  checkFilmBackwardArguments, checkFilmForwardArguments, checkGemmArguments, checkLength, checkMixRowsArguments,
  checkMixRowsWeightGradArguments, checkRowsCols,
} from "./kernel-arguments.js";
import { checkBetaZeroOrOne, checkChannelArguments, checkGridArguments, checkWindowArguments, windowFields } from "./conv-layout.js";
import { checkConvStride1Arguments, checkConvStride1WeightGradArguments } from "./conv-stride1.js";
import { NativeBackendUnavailableError } from "./kernel-errors.js";
import { JsKernels } from "./js-kernels.js";
import type { BackendName, ConvolutionPath, ConvWindow } from "./kernels.js";

/** Where `npm ci` (packages/nn/scripts/install-native.js) builds the addon. */
export const nativeAddonPath = fileURLToPath(new URL("../../native/build/Release/mtrl_nn_native.node", import.meta.url));

/**
 * BLAS libraries tried in order: OpenBLAS (Debian's libopenblas0 / -dev), the reference BLAS
 * (libblas3, which also carries the CBLAS interface), then Intel MKL's single dynamic library.
 */
export const blasCandidates = ["libopenblas.so.0", "libopenblas.so", "libblas.so.3", "libmkl_rt.so"];

interface NativeAddon {
  loadBlas(names: string[]): string;
  blasInfo(): { library: string; threads: number; core: string };
  setThreads(threads: number): boolean;
  pauseWorkersForTest(paused: boolean): void;
  allocate(floats: number): Float32Array;
  reserve(floats: number): Float32Array | null;
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
  ): void;
  addBiasRows(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void;
  addBiasRelu(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void;
  reluForward(x: Float32Array, out: Float32Array): void;
  affine(x: Float32Array, factor: number, offset: number, out: Float32Array): void;
  reluBackwardSumRows(
    y: Float32Array, gradOut: Float32Array, rows: number, cols: number, gradIn: Float32Array, beta: number, biasGrad: Float32Array,
  ): void;
  reluBackward(y: Float32Array, gradOut: Float32Array, gradIn: Float32Array): void;
  sumRows(x: Float32Array, rows: number, cols: number, beta: number, out: Float32Array): void;
  adamUpdate(
    param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    eps: number, weightDecay: number, stepSize: number, sqrtBc2: number,
  ): void;
  polyakUpdate(target: Float32Array, source: Float32Array, keep: number, tau: number): void;
  mixRows(
    transW: boolean, groupsOut: number, groupsIn: number, rows: number, features: number,
    weights: Float32Array, y: Float32Array, beta: number, out: Float32Array,
  ): void;
  mixRowsWeightGrad(
    groupsOut: number, groupsIn: number, rows: number, features: number,
    dOut: Float32Array, y: Float32Array, beta: number, dWeights: Float32Array,
  ): void;
  filmForward(
    rows: number, features: number, width: number, offset: number, relu: boolean,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array,
  ): void;
  filmBackward(
    rows: number, features: number, gammaRows: number, width: number, offset: number, relu: boolean,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array, gradOut: Float32Array,
    betaX: number, gradX: Float32Array | null, betaGammaBeta: number, gradGammaBeta: Float32Array | null,
  ): void;
  im2colBatch(window: Int32Array, images: Float32Array, count: number, columns: Float32Array): void;
  col2imBatch(window: Int32Array, columns: Float32Array, count: number, images: Float32Array): void;
  channelsToImages(source: Float32Array, bias: Float32Array | null, count: number, channels: number, positions: number, beta: number, out: Float32Array): void;
  imagesToChannels(images: Float32Array, count: number, channels: number, positions: number, out: Float32Array): void;
  gridToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, gridHeight: number, gridWidth: number,
    height: number, width: number, beta: number, out: Float32Array,
  ): void;
  imagesToGrid(images: Float32Array, count: number, channels: number, height: number, width: number, gridHeight: number, gridWidth: number, out: Float32Array): void;
  convStride1Available(): boolean;
  convStride1WeightGrad(
    small: Float32Array, big: Float32Array, count: number, smallChannels: number, bigChannels: number, smallHeight: number, smallWidth: number,
    kernelHeight: number, kernelWidth: number, beta: number, out: Float32Array,
  ): void;
  convStride1(window: Int32Array, input: Float32Array, weight: Float32Array, bias: Float32Array | null, count: number, outChannels: number, beta: number, out: Float32Array): void;
  sumChannels(images: Float32Array, count: number, channels: number, positions: number, beta: number, out: Float32Array): void;
  addChannelBias(images: Float32Array, bias: Float32Array, count: number, channels: number, positions: number): void;
}

/** Functions added to the addon after its first release: a build older than its sources lacks them. */
const newerAddonFunctions = [
  "mixRows", "mixRowsWeightGrad", "filmForward", "filmBackward", "pauseWorkersForTest",
  "im2colBatch", "col2imBatch", "channelsToImages", "imagesToChannels", "sumChannels", "addChannelBias",
  "gridToImages", "imagesToGrid", "convStride1Available", "convStride1", "convStride1WeightGrad", "affine", "reserve",
] as const;

/**
 * Floats of address space behind each growable block: 2^30 (4 GiB, the largest external
 * ArrayBuffer Node makes). Only what a step writes becomes memory; a step that outgrows it
 * continues in ordinary blocks.
 */
const growableReserveFloats = 2 ** 30;

/** Activation codes (ops/activation.ts) that the addon computes; the others run in the js reference. */
const filmIdentity = 0;
const filmRelu = 1;

export interface NativeKernelsOptions {
  /** BLAS threads (through openblas_set_num_threads when the library has it; default: its own). */
  blasThreads?: number;
  /** Library names or paths to try instead of `blasCandidates` (MTRL_BLAS_LIBRARY). */
  blasLibraries?: readonly string[];
}

/**
 * The optional native backend: GEMM through the system's CBLAS (found with dlopen at run time,
 * so neither the build nor the package depends on one), elementwise kernels in C. Tensors are
 * ordinary Float32Arrays, passed to C by pointer without copying.
 *
 * Results depend on the BLAS (and, for OpenBLAS with several threads, not on the thread count:
 * OpenBLAS splits C, not k, for these shapes), so determinism holds per machine, not across
 * machines.
 */
export class NativeKernels extends JsKernels {
  override readonly name: BackendName = "native";
  /**
   * "direct" where the CPU has AVX2 and FMA (conv_direct.c), else "grid": OpenBLAS runs the
   * grid's K = 32 GEMMs at ~70 GFLOP/s, which beats unfolding, and the direct kernel beats both.
   */
  override readonly convolutionPath: ConvolutionPath;
  /** Whether this CPU runs the compiled convStride1 (AVX2 and FMA). */
  readonly hasDirectConvolution: boolean;

  private constructor(private readonly addon: NativeAddon, readonly blasLibrary: string) {
    super();
    this.hasDirectConvolution = addon.convStride1Available();
    this.convolutionPath = this.hasDirectConvolution ? "direct" : "grid";
  }

  /** Loads the addon and a BLAS; throws NativeBackendUnavailableError saying why not. */
  static load(options: NativeKernelsOptions = {}): NativeKernels {
    if (!existsSync(nativeAddonPath)) {
      throw new NativeBackendUnavailableError(
        `native addon not built (${nativeAddonPath} missing; it is built by npm ci when a C compiler exists; ` +
          "build it with: npm run build:native -w @mtrl/nn)",
      );
    }
    let addon: NativeAddon;
    try {
      addon = createRequire(import.meta.url)(nativeAddonPath) as NativeAddon;
    } catch (error) {
      throw new NativeBackendUnavailableError(`native addon failed to load: ${(error as Error).message.split("\n")[0]}`);
    }
    const missing = newerAddonFunctions.filter((name) => typeof addon[name] !== "function");
    if (missing.length > 0) {
      throw new NativeBackendUnavailableError(
        `native addon is older than its sources (it lacks ${missing.join(", ")}); rebuild it with: npm run build:native -w @mtrl/nn`,
      );
    }
    let library: string;
    try {
      library = addon.loadBlas([...(options.blasLibraries ?? blasCandidates)]);
    } catch (error) {
      throw new NativeBackendUnavailableError(
        `${(error as Error).message} Install one, e.g. apt-get install libopenblas0.`,
      );
    }
    if (options.blasThreads !== undefined) addon.setThreads(options.blasThreads);
    return new NativeKernels(addon, library);
  }

  /** The BLAS in use and, for OpenBLAS, its thread count and kernel family. */
  blasInfo(): { library: string; threads: number; core: string } {
    return this.addon.blasInfo();
  }

  /**
   * Test hook: paused worker threads take no part of any kernel, as if another process had their
   * cores; the calling thread then computes every part (the same bits).
   */
  setTestWorkersPaused(paused: boolean): void {
    this.addon.pauseWorkersForTest(paused);
  }

  /** Zeroed memory aligned to 2 MiB (huge pages where allowed) for large blocks: see the addon. */
  override allocate(length: number): Float32Array {
    return this.addon.allocate(length);
  }

  /**
   * A view of `length` floats at the start of a reserved range of `growableReserveFloats` (address
   * space, no memory until written: see the addon's reserve), so growInPlace is a longer view.
   */
  override allocateGrowable(length: number): Float32Array {
    const region = length <= growableReserveFloats ? this.addon.reserve(growableReserveFloats) : null;
    return region === null ? this.addon.allocate(length) : region.subarray(0, length);
  }

  override growInPlace(block: Float32Array, length: number): Float32Array | null {
    if (block.byteOffset + length * 4 > block.buffer.byteLength) return null;
    return new Float32Array(block.buffer, block.byteOffset, length);
  }

  override gemm(
    transA: boolean, transB: boolean,
    m: number, n: number, k: number,
    alpha: number,
    a: Float32Array, lda: number,
    b: Float32Array, ldb: number,
    beta: number,
    c: Float32Array, ldc: number,
  ): void {
    checkGemmArguments(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
    this.addon.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  override addBiasRows(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void {
    checkRowsCols("addBiasRows", rows, cols);
    checkLength("addBiasRows", "x", x, rows * cols);
    checkLength("addBiasRows", "bias", bias, cols);
    checkLength("addBiasRows", "out", out, rows * cols);
    this.addon.addBiasRows(x, bias, rows, cols, out);
  }

  override addBiasRelu(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void {
    checkRowsCols("addBiasRelu", rows, cols);
    checkLength("addBiasRelu", "x", x, rows * cols);
    checkLength("addBiasRelu", "bias", bias, cols);
    checkLength("addBiasRelu", "out", out, rows * cols);
    this.addon.addBiasRelu(x, bias, rows, cols, out);
  }

  override affine(x: Float32Array, factor: number, offset: number, out: Float32Array): void {
    checkLength("affine", "out", out, x.length);
    this.addon.affine(x, factor, offset, out);
  }

  override reluForward(x: Float32Array, out: Float32Array): void {
    checkLength("reluForward", "out", out, x.length);
    this.addon.reluForward(x, out);
  }

  override reluBackward(y: Float32Array, gradOut: Float32Array, gradIn: Float32Array): void {
    checkLength("reluBackward", "gradOut", gradOut, y.length);
    checkLength("reluBackward", "gradIn", gradIn, y.length);
    this.addon.reluBackward(y, gradOut, gradIn);
  }

  override sumRows(x: Float32Array, rows: number, cols: number, beta: number, out: Float32Array): void {
    checkRowsCols("sumRows", rows, cols);
    checkLength("sumRows", "x", x, rows * cols);
    checkLength("sumRows", "out", out, cols);
    this.addon.sumRows(x, rows, cols, beta, out);
  }

  override reluBackwardSumRows(
    y: Float32Array, gradOut: Float32Array, rows: number, cols: number,
    gradIn: Float32Array, beta: number, biasGrad: Float32Array,
  ): void {
    checkRowsCols("reluBackwardSumRows", rows, cols);
    checkLength("reluBackwardSumRows", "y", y, rows * cols);
    checkLength("reluBackwardSumRows", "gradOut", gradOut, rows * cols);
    checkLength("reluBackwardSumRows", "gradIn", gradIn, rows * cols);
    checkLength("reluBackwardSumRows", "biasGrad", biasGrad, cols);
    this.addon.reluBackwardSumRows(y, gradOut, rows, cols, gradIn, beta, biasGrad);
  }

  override adamUpdate(
    param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
  ): void {
    checkLength("adamUpdate", "grad", grad, param.length);
    checkLength("adamUpdate", "m", m, param.length);
    checkLength("adamUpdate", "v", v, param.length);
    // Bias corrections in float64, as the reference and torch compute them.
    const stepSize = lr / (1 - Math.pow(beta1, step));
    const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, step));
    this.addon.adamUpdate(param, grad, m, v, beta1, 1 - beta1, beta2, 1 - beta2, eps, weightDecay, stepSize, sqrtBc2);
  }

  override polyakUpdate(target: Float32Array, source: Float32Array, tau: number): void {
    checkLength("polyakUpdate", "source", source, target.length);
    this.addon.polyakUpdate(target, source, 1 - tau, tau);
  }

  override mixRows(
    transW: boolean, groupsOut: number, groupsIn: number, rows: number, features: number,
    weights: Float32Array, y: Float32Array, beta: number, out: Float32Array,
  ): void {
    checkMixRowsArguments(transW, groupsOut, groupsIn, rows, features, weights, y, out);
    this.addon.mixRows(transW, groupsOut, groupsIn, rows, features, weights, y, beta, out);
  }

  override mixRowsWeightGrad(
    groupsOut: number, groupsIn: number, rows: number, features: number,
    dOut: Float32Array, y: Float32Array, beta: number, dWeights: Float32Array,
  ): void {
    checkMixRowsWeightGradArguments(groupsOut, groupsIn, rows, features, dOut, y, dWeights);
    this.addon.mixRowsWeightGrad(groupsOut, groupsIn, rows, features, dOut, y, beta, dWeights);
  }

  override filmForward(
    rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array,
  ): void {
    if (activation !== filmIdentity && activation !== filmRelu) {
      super.filmForward(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out);
      return;
    }
    checkFilmForwardArguments(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out);
    this.addon.filmForward(rows, features, width, offset, activation === filmRelu, x, gammaBeta, rowIndex, out);
  }

  override filmBackward(
    rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array, gradOut: Float32Array,
    betaX: number, gradX: Float32Array | null, betaGammaBeta: number, gradGammaBeta: Float32Array | null,
  ): void {
    if (activation !== filmIdentity && activation !== filmRelu) {
      super.filmBackward(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out, gradOut, betaX, gradX, betaGammaBeta, gradGammaBeta);
      return;
    }
    checkFilmBackwardArguments(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out, gradOut, gradX, gradGammaBeta);
    this.addon.filmBackward(
      rows, features, gammaRows, width, offset, activation === filmRelu,
      x, gammaBeta, rowIndex, out, gradOut, betaX, gradX, betaGammaBeta, gradGammaBeta,
    );
  }

  override im2colBatch(images: Float32Array, window: ConvWindow, count: number, columns: Float32Array): void {
    checkWindowArguments("im2colBatch", window, count, images, columns);
    this.addon.im2colBatch(Int32Array.from(windowFields(window)), images, count, columns);
  }

  override col2imBatch(columns: Float32Array, window: ConvWindow, count: number, images: Float32Array): void {
    checkWindowArguments("col2imBatch", window, count, images, columns);
    this.addon.col2imBatch(Int32Array.from(windowFields(window)), columns, count, images);
  }

  override channelsToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, positions: number, beta: number, out: Float32Array,
  ): void {
    checkChannelArguments("channelsToImages", count, channels, positions, { source, out }, { bias });
    checkBetaZeroOrOne("channelsToImages", beta);
    this.addon.channelsToImages(source, bias, count, channels, positions, beta, out);
  }

  override imagesToChannels(images: Float32Array, count: number, channels: number, positions: number, out: Float32Array): void {
    checkChannelArguments("imagesToChannels", count, channels, positions, { images, out });
    this.addon.imagesToChannels(images, count, channels, positions, out);
  }

  override convStride1(
    input: Float32Array, window: ConvWindow, count: number, weight: Float32Array, bias: Float32Array | null, outChannels: number,
    beta: number, out: Float32Array,
  ): void {
    // The compiled kernel works in blocks of 4 output channels; anything else takes the reference.
    if (!this.hasDirectConvolution || outChannels % 4 !== 0) {
      super.convStride1(input, window, count, weight, bias, outChannels, beta, out);
      return;
    }
    checkConvStride1Arguments(window, count, input, weight, bias, outChannels, beta, out);
    this.addon.convStride1(Int32Array.from(windowFields(window)), input, weight, bias, count, outChannels, beta, out);
  }

  override convStride1WeightGrad(
    small: Float32Array, big: Float32Array, count: number, smallChannels: number, bigChannels: number, smallHeight: number, smallWidth: number,
    kernelHeight: number, kernelWidth: number, beta: number, out: Float32Array,
  ): void {
    // Blocks of 4 rows of small; anything else takes the reference (which checks its arguments).
    if (!this.hasDirectConvolution || smallChannels % 4 !== 0) {
      super.convStride1WeightGrad(small, big, count, smallChannels, bigChannels, smallHeight, smallWidth, kernelHeight, kernelWidth, beta, out);
      return;
    }
    checkConvStride1WeightGradArguments(small, big, count, smallChannels, bigChannels, smallHeight, smallWidth, kernelHeight, kernelWidth, beta, out);
    this.addon.convStride1WeightGrad(small, big, count, smallChannels, bigChannels, smallHeight, smallWidth, kernelHeight, kernelWidth, beta, out);
  }

  override gridToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, gridHeight: number, gridWidth: number,
    height: number, width: number, beta: number, out: Float32Array,
  ): void {
    checkGridArguments("gridToImages", count, channels, gridHeight, gridWidth, height, width, out, source, bias);
    checkBetaZeroOrOne("gridToImages", beta);
    this.addon.gridToImages(source, bias, count, channels, gridHeight, gridWidth, height, width, beta, out);
  }

  override imagesToGrid(images: Float32Array, count: number, channels: number, height: number, width: number, gridHeight: number, gridWidth: number, out: Float32Array): void {
    checkGridArguments("imagesToGrid", count, channels, gridHeight, gridWidth, height, width, images, out);
    this.addon.imagesToGrid(images, count, channels, height, width, gridHeight, gridWidth, out);
  }

  override sumChannels(images: Float32Array, count: number, channels: number, positions: number, beta: number, out: Float32Array): void {
    checkChannelArguments("sumChannels", count, channels, positions, { images }, { out });
    checkBetaZeroOrOne("sumChannels", beta);
    this.addon.sumChannels(images, count, channels, positions, beta, out);
  }

  override addChannelBias(images: Float32Array, bias: Float32Array, count: number, channels: number, positions: number): void {
    checkChannelArguments("addChannelBias", count, channels, positions, { images }, { bias });
    this.addon.addChannelBias(images, bias, count, channels, positions);
  }
}
