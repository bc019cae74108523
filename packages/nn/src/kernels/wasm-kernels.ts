import { readFile } from "node:fs/promises";
import {
  checkFilmBackwardArguments, checkFilmForwardArguments, checkGemmArguments, checkLength, checkMixRowsArguments,
  checkMixRowsWeightGradArguments, checkRowsCols, matrixSpan,
} from "./kernel-arguments.js";
import { JsKernels } from "./js-kernels.js";
import { checkBetaZeroOrOne, checkChannelArguments, checkGridArguments, checkWindowArguments, windowFields } from "./conv-layout.js";
import type { BackendName, ConvolutionPath, ConvWindow } from "./kernels.js";
import { WasmArena } from "./wasm-arena.js";
import type { WasmExports } from "./wasm-exports.js";
import { GemmWorkerThread, type GemmCall, type GemmThreadOptions, type WorkerOperation } from "./wasm-gemm-threads.js";

/** The committed build of packages/nn/wasm/*.c (see scripts/build-wasm.ts). */
export const wasmKernelsUrl = new URL("../../wasm/kernels.wasm", import.meta.url);

export interface WasmKernelsOptions {
  /** 1 (default) or 2: GEMMs large enough are split by rows or columns of C across a worker. */
  threads?: number;
  /** Deadline for the worker's half of one GEMM (default 10 000 ms). */
  threadTimeoutMs?: number;
  /** How long the idle worker spins for the next kernel before sleeping (MTRL_THREAD_SPIN_US). */
  workerSpinMicroseconds?: number;
}

/** The worker's default spin before sleeping; see packages/nn/README.md (threads when cores are shared). */
export const defaultWasmWorkerSpinMicroseconds = 1000;

/**
 * GEMMs below this many multiply-adds stay on one thread: waking the worker costs more than
 * half of them (~0.1 ms of work at ~40 GFLOP/s).
 */
const splitThresholdMacs = 2_000_000;
const tileRows = 4;
/**
 * Elementwise kernels of at least this many floats run half on each thread. Each thread takes the
 * rows it computed in the GEMM before (same split), so nothing moves between caches: run on one
 * thread after a two-thread GEMM, bias + ReLU over 1280x400 took 2.4x as long as on one thread
 * after a one-thread GEMM, because half of its input sat in the other core's cache.
 */
const elementwiseSplitFloats = 65536;
/**
 * Column splits start on a multiple of 16 floats (a 64-byte cache line; arena rows of a multiple
 * of 16 floats start on one): both threads write every row of C, and a line written by both
 * bounces between their caches on every row. At 128x400x400 a split at column 200 ran at 54
 * GFLOP/s, at column 208 at 80.
 */
const columnSplitAlign = 16;
/**
 * mixRows splits by rows b, at multiples of this many: dWeights rows are groupsOut·groupsIn floats
 * (16 for soft modularization's 4×4, one cache line), and out rows features floats.
 */
const mixRowsAlign = 16;
/** FiLM splits x by rows at multiples of this many (the GEMM's row tiles). */
const filmRowAlign = tileRows;
/** film_backward's task range that admits every row. */
const allTasks = 0x7fffffff;
/** Activation codes (ops/activation.ts) that film.c computes; the others run in the js reference. */
const filmIdentity = 0;
const filmRelu = 1;

/**
 * Where to split tasks [0, gammaRows) into two ranges, [0, cut) and [cut, gammaRows), holding
 * about half the rows each (counted in rowIndex).
 */
function taskCut(rowIndex: Int32Array, rows: number, gammaRows: number): number {
  const counts = new Int32Array(gammaRows);
  for (let r = 0; r < rows; r++) counts[rowIndex[r]!]!++;
  const half = rows / 2;
  let task = 0;
  let below = 0; // rows of the tasks before `task`
  while (task < gammaRows && below + counts[task]! <= half) below += counts[task++]!;
  // Past the half with this task, or short of it without: whichever is closer.
  if (task < gammaRows && below + counts[task]! - half < half - below) task++;
  return task;
}

/**
 * The default backend: C compiled to WebAssembly SIMD128 (packages/nn/wasm). Tensors are views
 * into the module's shared linear memory (see WasmArena), so kernels run on them in place.
 *
 * Views that are not in this memory (plain Float32Arrays, another backend's tensors) still
 * work: they are copied into a staging area and results copied back. That is correct but slow,
 * so each such copy is counted in `foreignCopies`; the engine's tests assert it stays 0 on the
 * hot path. Copying (rather than throwing) keeps small utilities and tests free to pass plain
 * arrays.
 */
export class WasmKernels extends JsKernels {
  /** The SIMD128 GEMM loses more at K = 32 than the unfolding costs (a conv stack ~10% slower on the grid). */
  override readonly convolutionPath: ConvolutionPath = "im2col";
  override readonly name: BackendName = "wasm";
  /** Number of arguments that had to be copied in or out because they were not in the arena. */
  foreignCopies = 0;

  private readonly workspaces: number[];
  private staging: Float32Array;
  private stagingUsed = 0;
  private readonly copyBack: Array<[target: Float32Array, staged: Float32Array]> = [];

  private constructor(
    private readonly exports: WasmExports,
    readonly arena: WasmArena,
    readonly module: WebAssembly.Module,
    private thread: GemmWorkerThread | null,
  ) {
    super();
    const workspaceFloats = exports.gemm_workspace_floats();
    this.workspaces = [arena.allocate(workspaceFloats).byteOffset, arena.allocate(workspaceFloats).byteOffset];
    this.staging = arena.allocate(1 << 16);
  }

  static async create(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
    const module = await WebAssembly.compile(await readFile(wasmKernelsUrl));
    const memory = WasmArena.createMemory(16 * 2 ** 20);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const exports = instance.exports as unknown as WasmExports;
    const arena = new WasmArena(memory, exports.__heap_base.value as number);
    const threads = options.threads ?? 1;
    const threadOptions: GemmThreadOptions = { timeoutMs: options.threadTimeoutMs ?? 10_000, workerSpinMs: (options.workerSpinMicroseconds ?? defaultWasmWorkerSpinMicroseconds) / 1000 };
    const thread = threads >= 2 ? await GemmWorkerThread.start(module, arena, threadOptions, instance.exports) : null;
    return new WasmKernels(exports, arena, module, thread);
  }

  /** Threads GEMM currently runs on (2 drops to 1 if the worker ever timed out). */
  get threads(): number {
    return this.thread !== null && this.thread.failure === null ? 2 : 1;
  }

  /** The worker thread, for tests of its failure handling. */
  get workerThread(): GemmWorkerThread | null {
    return this.thread;
  }

  /** Stops the worker thread, if any. */
  close(): void {
    this.thread?.close();
    this.thread = null;
  }

  override allocate(length: number): Float32Array {
    return this.arena.allocate(length);
  }

  override growInPlace(block: Float32Array, length: number): Float32Array | null {
    return this.arena.growInPlace(block, length);
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
    if (m === 0 || n === 0) return;
    const pa = this.address(a, matrixSpan(transA ? k : m, transA ? m : k, lda), "in");
    const pb = this.address(b, matrixSpan(transB ? n : k, transB ? k : n, ldb), "in");
    const pc = this.address(c, matrixSpan(m, n, ldc), beta === 0 ? "out" : "inout");
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const thread = this.thread;
    if (thread === null || thread.failure !== null || m * n * k < splitThresholdMacs) {
      this.exports.gemm(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, this.workspaces[0]!);
    } else {
      this.gemmOnTwoThreads(thread, ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }
    this.finishCall();
  }

  /**
   * Splits C, never the k-reduction: each element is reduced in the same order whichever thread
   * computes it, so results are bit-identical to one thread. The split falls on a micro-tile
   * boundary so neither half gets an extra ragged tile.
   */
  private gemmOnTwoThreads(
    thread: GemmWorkerThread, ta: number, tb: number, m: number, n: number, k: number, alpha: number,
    pa: number, lda: number, pb: number, ldb: number, beta: number, pc: number, ldc: number,
  ): void {
    const work = this.workspaces;
    let own: GemmCall;
    let theirs: GemmCall;
    if (m >= n) {
      const m0 = Math.ceil(m / 2 / tileRows) * tileRows;
      const paSecond = pa + 4 * (ta ? m0 : m0 * lda);
      own = [ta, tb, m0, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, work[0]!];
      theirs = [ta, tb, m - m0, n, k, alpha, paSecond, lda, pb, ldb, beta, pc + 4 * m0 * ldc, ldc, work[1]!];
    } else {
      const n0 = Math.ceil(n / 2 / columnSplitAlign) * columnSplitAlign;
      const pbSecond = pb + 4 * (tb ? n0 * ldb : n0);
      own = [ta, tb, m, n0, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, work[0]!];
      theirs = [ta, tb, m, n - n0, k, alpha, pa, lda, pbSecond, ldb, beta, pc + 4 * n0, ldc, work[1]!];
    }
    if (theirs[2] <= 0 || theirs[3] <= 0) {
      this.exports.gemm(...own);
      return;
    }
    thread.run(theirs, () => this.exports.gemm(...own), () => `gemm(${ta}, ${tb}, m=${m}, n=${n}, k=${k})`);
  }

  /**
   * Runs export `name` over `rows` rows of `cols` floats: split in two at a multiple of `align`
   * rows (the GEMM's row split for matrices) when the worker is up and the work is large enough,
   * else whole on this thread. `args(start, count)` gives the export's arguments for a row range.
   * Every element is computed by the same arithmetic either way.
   */
  private onTwoThreads(name: WorkerOperation, rows: number, cols: number, align: number, args: (start: number, count: number) => number[]): void {
    const run = this.exports[name] as unknown as (...values: number[]) => void;
    const thread = this.thread;
    if (thread === null || thread.failure !== null || rows * cols < elementwiseSplitFloats || rows < 2 * align) {
      run(...args(0, rows));
      return;
    }
    const first = Math.ceil(rows / 2 / align) * align;
    const own = args(0, first);
    thread.runOperation(name, args(first, rows - first), () => run(...own), () => `${name}(rows=${rows}, cols=${cols})`);
  }

  override addBiasRows(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void {
    checkRowsCols("addBiasRows", rows, cols);
    checkLength("addBiasRows", "x", x, rows * cols);
    checkLength("addBiasRows", "bias", bias, cols);
    checkLength("addBiasRows", "out", out, rows * cols);
    const px = this.address(x, rows * cols, "in");
    const pbias = this.address(bias, cols, "in");
    const pout = this.address(out, rows * cols, "out");
    this.onTwoThreads("add_bias_rows", rows, cols, tileRows, (start, count) => [px + 4 * start * cols, pbias, count, cols, pout + 4 * start * cols]);
    this.finishCall();
  }

  override addBiasRelu(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void {
    checkRowsCols("addBiasRelu", rows, cols);
    checkLength("addBiasRelu", "x", x, rows * cols);
    checkLength("addBiasRelu", "bias", bias, cols);
    checkLength("addBiasRelu", "out", out, rows * cols);
    const px = this.address(x, rows * cols, "in");
    const pbias = this.address(bias, cols, "in");
    const pout = this.address(out, rows * cols, "out");
    this.onTwoThreads("add_bias_relu", rows, cols, tileRows, (start, count) => [px + 4 * start * cols, pbias, count, cols, pout + 4 * start * cols]);
    this.finishCall();
  }

  override affine(x: Float32Array, factor: number, offset: number, out: Float32Array): void {
    checkLength("affine", "out", out, x.length);
    const px = this.address(x, x.length, "in");
    const pout = this.address(out, x.length, x === out ? "inout" : "out");
    this.exports.affine(px, x.length, factor, offset, pout);
    this.finishCall();
  }

  override reluForward(x: Float32Array, out: Float32Array): void {
    checkLength("reluForward", "out", out, x.length);
    const px = this.address(x, x.length, "in");
    const pout = this.address(out, x.length, "out");
    this.exports.relu_forward(px, x.length, pout);
    this.finishCall();
  }

  override reluBackward(y: Float32Array, gradOut: Float32Array, gradIn: Float32Array): void {
    checkLength("reluBackward", "gradOut", gradOut, y.length);
    checkLength("reluBackward", "gradIn", gradIn, y.length);
    const py = this.address(y, y.length, "in");
    const pgo = this.address(gradOut, y.length, "in");
    const pgi = this.address(gradIn, y.length, "out");
    this.onTwoThreads("relu_backward", y.length, 1, 16, (start, count) => [py + 4 * start, pgo + 4 * start, count, pgi + 4 * start]);
    this.finishCall();
  }

  override sumRows(x: Float32Array, rows: number, cols: number, beta: number, out: Float32Array): void {
    checkRowsCols("sumRows", rows, cols);
    checkLength("sumRows", "x", x, rows * cols);
    checkLength("sumRows", "out", out, cols);
    const px = this.address(x, rows * cols, "in");
    const pout = this.address(out, cols, beta === 0 ? "out" : "inout");
    this.exports.sum_rows(px, rows, cols, beta, pout);
    this.finishCall();
  }

  override reluBackwardSumRows(
    y: Float32Array, gradOut: Float32Array, rows: number, cols: number,
    gradIn: Float32Array, beta: number, biasGrad: Float32Array,
  ): void {
    checkRowsCols("reluBackwardSumRows", rows, cols);
    const length = rows * cols;
    checkLength("reluBackwardSumRows", "y", y, length);
    checkLength("reluBackwardSumRows", "gradOut", gradOut, length);
    checkLength("reluBackwardSumRows", "gradIn", gradIn, length);
    checkLength("reluBackwardSumRows", "biasGrad", biasGrad, cols);
    const py = this.address(y, length, "in");
    // In place (gradIn === gradOut) is the common case: stage one copy, read and written.
    const inPlace = gradIn === gradOut;
    const pgo = this.address(gradOut, length, inPlace ? "inout" : "in");
    const pgi = inPlace ? pgo : this.address(gradIn, length, "out");
    const pbg = this.address(biasGrad, cols, beta === 0 ? "out" : "inout");
    this.exports.relu_backward_sum_rows(py, pgo, rows, cols, pgi, beta, pbg);
    this.finishCall();
  }

  override adamUpdate(
    param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
  ): void {
    const length = param.length;
    checkLength("adamUpdate", "grad", grad, length);
    checkLength("adamUpdate", "m", m, length);
    checkLength("adamUpdate", "v", v, length);
    // Bias corrections in float64, as the reference and torch compute them.
    const stepSize = lr / (1 - Math.pow(beta1, step));
    const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, step));
    const pp = this.address(param, length, "inout");
    const pg = this.address(grad, length, "in");
    const pm = this.address(m, length, "inout");
    const pv = this.address(v, length, "inout");
    this.onTwoThreads("adam_update", length, 1, 16, (start, count) => [
      pp + 4 * start, pg + 4 * start, pm + 4 * start, pv + 4 * start, count,
      beta1, 1 - beta1, beta2, 1 - beta2, eps, weightDecay, stepSize, sqrtBc2,
    ]);
    this.finishCall();
  }

  override polyakUpdate(target: Float32Array, source: Float32Array, tau: number): void {
    checkLength("polyakUpdate", "source", source, target.length);
    const pt = this.address(target, target.length, "inout");
    const ps = this.address(source, target.length, "in");
    this.onTwoThreads("polyak_update", target.length, 1, 16, (start, count) => [pt + 4 * start, ps + 4 * start, count, 1 - tau, tau]);
    this.finishCall();
  }

  override mixRows(
    transW: boolean, groupsOut: number, groupsIn: number, rows: number, features: number,
    weights: Float32Array, y: Float32Array, beta: number, out: Float32Array,
  ): void {
    checkMixRowsArguments(transW, groupsOut, groupsIn, rows, features, weights, y, out);
    const [yGroups, outGroups] = transW ? [groupsOut, groupsIn] : [groupsIn, groupsOut];
    const groupStride = rows * features;
    const weightRow = groupsOut * groupsIn;
    const pw = this.address(weights, rows * weightRow, "in");
    const py = this.address(y, yGroups * groupStride, "in");
    const pout = this.address(out, outGroups * groupStride, beta === 0 ? "out" : "inout");
    const t = transW ? 1 : 0;
    // Each row reads yGroups and writes outGroups rows of features floats.
    this.onTwoThreads("mix_rows", rows, (yGroups + outGroups) * features, mixRowsAlign, (start, count) => [
      t, groupsOut, groupsIn, count, features, groupStride,
      pw + 4 * start * weightRow, py + 4 * start * features, beta, pout + 4 * start * features,
    ]);
    this.finishCall();
  }

  override mixRowsWeightGrad(
    groupsOut: number, groupsIn: number, rows: number, features: number,
    dOut: Float32Array, y: Float32Array, beta: number, dWeights: Float32Array,
  ): void {
    checkMixRowsWeightGradArguments(groupsOut, groupsIn, rows, features, dOut, y, dWeights);
    const groupStride = rows * features;
    const weightRow = groupsOut * groupsIn;
    const pd = this.address(dOut, groupsOut * groupStride, "in");
    const py = this.address(y, groupsIn * groupStride, "in");
    const pdw = this.address(dWeights, rows * weightRow, beta === 0 ? "out" : "inout");
    this.onTwoThreads("mix_rows_weight_grad", rows, (groupsOut + groupsIn) * features, mixRowsAlign, (start, count) => [
      groupsOut, groupsIn, count, features, groupStride,
      pd + 4 * start * features, py + 4 * start * features, beta, pdw + 4 * start * weightRow,
    ]);
    this.finishCall();
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
    const px = this.address(x, rows * features, "in");
    const pgb = this.address(gammaBeta, gammaRows * width, "in");
    const pindex = rowIndex === null ? 0 : this.addressOfIndices(rowIndex, rows);
    const pout = this.address(out, rows * features, "out");
    this.onTwoThreads("film_forward", rows, features, filmRowAlign, (start, count) => [
      count, features, width, offset, activation,
      px + 4 * start * features, rowIndex === null ? pgb + 4 * start * width : pgb, rowIndex === null ? 0 : pindex + 4 * start,
      pout + 4 * start * features,
    ]);
    this.finishCall();
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
    const length = rows * features;
    const overwrite = betaGammaBeta === 0 && rowIndex === null;
    const px = this.address(x, length, "in");
    const pgb = this.address(gammaBeta, gammaRows * width, "in");
    const pindex = rowIndex === null ? 0 : this.addressOfIndices(rowIndex, rows);
    const pout = this.address(out, length, "in");
    const pgo = this.address(gradOut, length, "in");
    const pgx = gradX === null ? 0 : this.address(gradX, length, betaX === 0 ? "out" : "inout");
    let pggb = 0;
    if (gradGammaBeta !== null) {
      if (!overwrite && betaGammaBeta !== 1) {
        // Rows may share gammaBeta rows: beta applies to the whole buffer once, then every row adds.
        const whole = gradGammaBeta.subarray(0, gammaRows * width);
        if (betaGammaBeta === 0) whole.fill(0);
        else for (let i = 0; i < whole.length; i++) whole[i]! *= betaGammaBeta;
      }
      pggb = this.address(gradGammaBeta, gammaRows * width, overwrite ? "out" : "inout");
    }
    const relu = activation === filmRelu ? 1 : 0;
    const thread = this.thread;
    if (rowIndex === null || gradGammaBeta === null) {
      // Every gradient element belongs to one row: split by rows like the elementwise kernels.
      this.onTwoThreads("film_backward", rows, features, filmRowAlign, (start, count) => [
        count, features, width, offset, 0, allTasks, relu,
        px + 4 * start * features, rowIndex === null ? pgb + 4 * start * width : pgb, rowIndex === null ? 0 : pindex + 4 * start,
        pout + 4 * start * features, pgo + 4 * start * features,
        betaX, pgx === 0 ? 0 : pgx + 4 * start * features, overwrite ? 1 : 0, pggb === 0 ? 0 : pggb + 4 * start * width,
      ]);
    } else {
      // Several rows may add into one gradGammaBeta element: each thread takes the rows of a range
      // of tasks, so that each element is summed in row order by one thread (the same bits as one
      // thread; see film.c).
      const args = (taskBegin: number, taskEnd: number): Parameters<WasmExports["film_backward"]> => [
        rows, features, width, offset, taskBegin, taskEnd, relu, px, pgb, pindex, pout, pgo, betaX, pgx, 0, pggb,
      ];
      if (thread === null || thread.failure !== null || length < elementwiseSplitFloats || gammaRows < 2) {
        this.exports.film_backward(...args(0, gammaRows));
      } else {
        const cut = taskCut(rowIndex, rows, gammaRows);
        const own = args(0, cut);
        thread.runOperation("film_backward", args(cut, gammaRows), () => this.exports.film_backward(...own),
          () => `film_backward(rows=${rows}, features=${features}, tasks [0, ${cut}) and [${cut}, ${gammaRows}))`);
      }
    }
    this.finishCall();
  }

  /*
   * The convolution layout kernels (conv_layout.c): split by images between the threads (by
   * channels for the sums), each image's or channel's values written by one thread with the same
   * arithmetic, so two threads give the bits of one.
   */

  override im2colBatch(images: Float32Array, window: ConvWindow, count: number, columns: Float32Array): void {
    checkWindowArguments("im2colBatch", window, count, images, columns);
    const fields = windowFields(window);
    const patchFloats = window.channels * window.kernelHeight * window.kernelWidth * window.outputHeight * window.outputWidth;
    const pi = this.address(images, count * window.channels * window.height * window.width, "in");
    const pc = this.address(columns, patchFloats * count, "out");
    this.onTwoThreads("im2col_batch", count, patchFloats, 1, (start, part) => [...fields, pi, count, start, start + part, pc]);
    this.finishCall();
  }

  override col2imBatch(columns: Float32Array, window: ConvWindow, count: number, images: Float32Array): void {
    checkWindowArguments("col2imBatch", window, count, images, columns);
    const fields = windowFields(window);
    const patchFloats = window.channels * window.kernelHeight * window.kernelWidth * window.outputHeight * window.outputWidth;
    const pc = this.address(columns, patchFloats * count, "in");
    const pi = this.address(images, count * window.channels * window.height * window.width, "inout");
    this.onTwoThreads("col2im_batch", count, patchFloats, 1, (start, part) => [...fields, pc, count, start, start + part, pi]);
    this.finishCall();
  }

  override channelsToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, positions: number, beta: number, out: Float32Array,
  ): void {
    checkChannelArguments("channelsToImages", count, channels, positions, { source, out }, { bias });
    checkBetaZeroOrOne("channelsToImages", beta);
    const size = count * channels * positions;
    const ps = this.address(source, size, "in");
    const pb = bias === null ? 0 : this.address(bias, channels, "in");
    const po = this.address(out, size, beta === 0 ? "out" : "inout");
    this.onTwoThreads("channels_to_images", count, channels * positions, 1, (start, part) => [ps, pb, count, channels, positions, beta, start, start + part, po]);
    this.finishCall();
  }

  override imagesToChannels(images: Float32Array, count: number, channels: number, positions: number, out: Float32Array): void {
    checkChannelArguments("imagesToChannels", count, channels, positions, { images, out });
    const size = count * channels * positions;
    const pi = this.address(images, size, "in");
    const po = this.address(out, size, "out");
    this.onTwoThreads("images_to_channels", count, channels * positions, 1, (start, part) => [pi, count, channels, positions, start, start + part, po]);
    this.finishCall();
  }

  override gridToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, gridHeight: number, gridWidth: number,
    height: number, width: number, beta: number, out: Float32Array,
  ): void {
    checkGridArguments("gridToImages", count, channels, gridHeight, gridWidth, height, width, out, source, bias);
    checkBetaZeroOrOne("gridToImages", beta);
    const ps = this.address(source, channels * count * gridHeight * gridWidth, "in");
    const pb = bias === null ? 0 : this.address(bias, channels, "in");
    const po = this.address(out, count * channels * height * width, beta === 0 ? "out" : "inout");
    this.onTwoThreads("grid_to_images", count, channels * height * width, 1, (start, part) => [
      ps, pb, count, channels, gridHeight, gridWidth, height, width, beta, start, start + part, po,
    ]);
    this.finishCall();
  }

  override imagesToGrid(images: Float32Array, count: number, channels: number, height: number, width: number, gridHeight: number, gridWidth: number, out: Float32Array): void {
    checkGridArguments("imagesToGrid", count, channels, gridHeight, gridWidth, height, width, images, out);
    const pi = this.address(images, count * channels * height * width, "in");
    const po = this.address(out, channels * count * gridHeight * gridWidth, "out");
    this.onTwoThreads("images_to_grid", count, channels * gridHeight * gridWidth, 1, (start, part) => [
      pi, count, channels, height, width, gridHeight, gridWidth, start, start + part, po,
    ]);
    this.finishCall();
  }

  override sumChannels(images: Float32Array, count: number, channels: number, positions: number, beta: number, out: Float32Array): void {
    checkChannelArguments("sumChannels", count, channels, positions, { images }, { out });
    checkBetaZeroOrOne("sumChannels", beta);
    const pi = this.address(images, count * channels * positions, "in");
    const po = this.address(out, channels, beta === 0 ? "out" : "inout");
    // Split by channels: each thread sums whole channels, in the one-thread order.
    this.onTwoThreads("sum_channels", channels, count * positions, 1, (start, part) => [pi, count, channels, positions, beta, start, start + part, po]);
    this.finishCall();
  }

  override addChannelBias(images: Float32Array, bias: Float32Array, count: number, channels: number, positions: number): void {
    checkChannelArguments("addChannelBias", count, channels, positions, { images }, { bias });
    const pi = this.address(images, count * channels * positions, "inout");
    const pb = this.address(bias, channels, "in");
    this.onTwoThreads("add_channel_bias", count, channels * positions, 1, (start, part) => [pi + 4 * start * channels * positions, pb, channels, positions, 0, part]);
    this.finishCall();
  }

  /**
   * The SIMD128 multiply/add throughput of this machine in GFLOP/s (median of short runs),
   * measured with a register-only loop: the benchmark's denominator for "fraction of ceiling".
   */
  measureSimdCeiling(milliseconds = 300): number {
    const iterations = 200_000; // ~0.4 ms per run at 50 GFLOP/s
    for (let warm = 0; warm < 20; warm++) this.exports.simd_peak(iterations, 0.999, 0.001); // let V8 tier up
    const rates: number[] = [];
    const end = performance.now() + milliseconds;
    while (performance.now() < end) {
      const start = performance.now();
      this.exports.simd_peak(iterations, 0.999, 0.001);
      rates.push((iterations * 96) / ((performance.now() - start) * 1e6));
    }
    rates.sort((a, b) => a - b);
    return rates[rates.length >> 1] ?? 0;
  }

  /** Byte offset of `view`'s data in the arena, staging a copy if it lives elsewhere. */
  private address(view: Float32Array, span: number, direction: "in" | "out" | "inout"): number {
    if (this.arena.owns(view)) return view.byteOffset;
    this.foreignCopies++;
    const staged = this.stage(span);
    if (direction !== "out") staged.set(view.subarray(0, span));
    if (direction !== "in") this.copyBack.push([view, staged]);
    return staged.byteOffset;
  }

  /**
   * Byte offset of a copy of `rowIndex[0, rows)` in the staging area. Row indices come from plain
   * JS arrays (a batch's task indices), so they are always copied: `rows` int32s, as little as one
   * row of the data they index; not counted in foreignCopies, which counts tensors.
   */
  private addressOfIndices(rowIndex: Int32Array, rows: number): number {
    const staged = this.stage(rows);
    new Int32Array(staged.buffer, staged.byteOffset, rows).set(rowIndex.subarray(0, rows));
    return staged.byteOffset;
  }

  private stage(span: number): Float32Array {
    const start = Math.ceil(this.stagingUsed / 16) * 16;
    if (start + span > this.staging.length) {
      // Earlier staged arguments of this call stay valid: arena memory is never reused.
      this.staging = this.arena.allocate(Math.max(span, 2 * this.staging.length));
      this.stagingUsed = span;
      return this.staging.subarray(0, span);
    }
    this.stagingUsed = start + span;
    return this.staging.subarray(start, start + span);
  }

  private finishCall(): void {
    this.stagingUsed = 0;
    if (this.copyBack.length === 0) return;
    for (const [target, staged] of this.copyBack) target.set(staged);
    this.copyBack.length = 0;
  }
}
