/**
 * The numeric kernels every backend provides. Tensors hold Float32Array views obtained from
 * `allocate`, so a backend can address them without copying (WASM: views into its linear memory;
 * native: any ArrayBuffer, passed by pointer). Everything that is not in this interface is plain
 * TypeScript over Float32Arrays in the ops: only the hot paths live here.
 *
 * All matrices are row-major. `lda`, `ldb`, `ldc` are row strides in elements, as in BLAS.
 * Backends other than `js` extend `JsKernels` and override what they accelerate, so a method added
 * here always has a correct (if slow) implementation everywhere.
 */
export type BackendName = "js" | "wasm" | "native";

/**
 * Geometry of a 2-D convolution window sweep (ops/im2col.ts calls it ConvGeometry):
 * input planes [channels, height, width] read by a kernelHeight × kernelWidth window at
 * outputHeight × outputWidth positions.
 */
export interface ConvWindow {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padHeight: number;
  readonly padWidth: number;
  readonly outputHeight: number;
  readonly outputWidth: number;
}

/** How conv2d / convTranspose2d compute stride-1 unpadded layers (ops/conv.ts, ops/conv-grid.ts). */
export type ConvolutionPath = "direct" | "grid" | "im2col";

export interface Kernels {
  readonly name: BackendName;

  /**
   * The path this backend's stride-1 unpadded convolutions take by default: "direct" (convStride1
   * for the output and the input gradient, grid GEMMs for the weight gradient) where it has a
   * compiled direct kernel, "grid" (kh·kw GEMMs on shifted views, nothing unfolded) where its GEMM
   * keeps its speed at an inner dimension of the channel count, "im2col" (one GEMM on unfolded
   * columns) where it does not. Chosen by measurement (packages/nn/README.md, Convolutions).
   */
  readonly convolutionPath: ConvolutionPath;

  /** `length` zeroed floats that this backend can address without copying. Never detached later. */
  allocate(length: number): Float32Array;

  /**
   * Like `allocate`, for a block that `growInPlace` may lengthen later: the arena's step-scoped
   * region, which thus stays one block whatever the order of a step's requests.
   */
  allocateGrowable(length: number): Float32Array;

  /**
   * `block` (from `allocateGrowable`) lengthened to `length` floats at the same address, the new
   * floats zero and the old view still valid; null when this backend cannot (the arena then
   * continues in a new block). Native: a longer view of a reserved range; wasm: while the block is
   * the last thing allocated; js: never.
   */
  growInPlace(block: Float32Array, length: number): Float32Array | null;

  /**
   * C = alpha * op(A) · op(B) + beta * C, with op(X) = X or Xᵀ. op(A) is m×k, op(B) is k×n, C is m×n.
   * When beta = 0, C's previous contents are ignored (may be NaN).
   */
  gemm(
    transA: boolean, transB: boolean,
    m: number, n: number, k: number,
    alpha: number,
    a: Float32Array, lda: number,
    b: Float32Array, ldb: number,
    beta: number,
    c: Float32Array, ldc: number,
  ): void;

  /** out[i, j] = x[i, j] + bias[j] for a rows×cols matrix (out may alias x). */
  addBiasRows(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void;

  /**
   * out[i, j] = relu(x[i, j] + bias[j]) — `addBiasRows` then `reluForward` in one pass (the hidden
   * layers' forward after their GEMM; out may alias x). Same arithmetic as the two calls.
   */
  addBiasRelu(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void;

  /** out = max(x, 0) elementwise (out may alias x). */
  reluForward(x: Float32Array, out: Float32Array): void;

  /**
   * out[i] = x[i]·factor + offset, computed in float64 and rounded once to float32 (the js
   * reference's arithmetic), so every backend gives the same bits. In place (out = x) is allowed.
   */
  affine(x: Float32Array, factor: number, offset: number, out: Float32Array): void;

  /** gradIn[i] = y[i] > 0 ? gradOut[i] : 0, where y is the relu output (gradIn may alias gradOut). */
  reluBackward(y: Float32Array, gradOut: Float32Array, gradIn: Float32Array): void;

  /** out[j] = beta * out[j] + Σ_i x[i, j] — the bias gradient of a rows×cols matrix. */
  sumRows(x: Float32Array, rows: number, cols: number, beta: number, out: Float32Array): void;

  /**
   * `reluBackward(y, gradOut, gradIn)` then `sumRows(gradIn, rows, cols, beta, biasGrad)` in one
   * pass: a ReLU layer's pre-activation gradient and its bias gradient (gradIn may alias gradOut).
   * Same arithmetic as the two calls on the same backend.
   */
  reluBackwardSumRows(
    y: Float32Array, gradOut: Float32Array, rows: number, cols: number,
    gradIn: Float32Array, beta: number, biasGrad: Float32Array,
  ): void;

  /**
   * One Adam(W) step in place. `step` counts from 1 (bias correction). Weight decay is the
   * classic L2 form (added to the gradient), as in torch.optim.Adam.
   */
  adamUpdate(
    param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
  ): void;

  /** target = (1 - tau) * target + tau * source (Polyak averaging of target networks). */
  polyakUpdate(target: Float32Array, source: Float32Array, tau: number): void;

  /**
   * Per-row mixing of groups (mixGroups' forward and input gradient): `weights` is
   * [rows, groupsOut, groupsIn], W_b = weights[b] a groupsOut×groupsIn matrix for every row b, and
   * for every row b
   *
   * - transW = false: out[o, b, :] = beta·out[o, b, :] + Σ_g W_b[o, g] · y[g, b, :] with
   *   y [groupsIn, rows, features] and out [groupsOut, rows, features];
   * - transW = true:  out[g, b, :] = beta·out[g, b, :] + Σ_o W_b[o, g] · y[o, b, :] with
   *   y [groupsOut, rows, features] and out [groupsIn, rows, features].
   *
   * That is `rows` GEMMs of (groupsOut or groupsIn) × features × (groupsIn or groupsOut) in one
   * call. When beta = 0, out's previous contents are ignored (may be NaN). out must not overlap y.
   */
  mixRows(
    transW: boolean, groupsOut: number, groupsIn: number, rows: number, features: number,
    weights: Float32Array, y: Float32Array, beta: number, out: Float32Array,
  ): void;

  /**
   * The weight gradient of `mixRows`: for every row b,
   * dWeights[b, o, g] = beta·dWeights[b, o, g] + Σ_h dOut[o, b, h] · y[g, b, h], with dOut
   * [groupsOut, rows, features], y [groupsIn, rows, features], dWeights [rows, groupsOut, groupsIn].
   * When beta = 0, dWeights' previous contents are ignored (may be NaN).
   */
  mixRowsWeightGrad(
    groupsOut: number, groupsIn: number, rows: number, features: number,
    dOut: Float32Array, y: Float32Array, beta: number, dWeights: Float32Array,
  ): void;

  /**
   * FiLM (the featureModulation op's forward): for every row r of x [rows, features] and h < features,
   *
   *   out[r, h] = act((1 + γ[h]) · x[r, h] + β[h]),  γ = gammaBeta[t, offset + h], β = gammaBeta[t, offset + features + h],
   *
   * with t = rowIndex[r] (or t = r when rowIndex is null; then gammaRows must equal rows), gammaBeta
   * [gammaRows, width] and offset + 2·features ≤ width. Each step rounds to float32: 1 + γ, the
   * product, the sum, then the activation. `activation` is a code of ops/activation.ts (0 identity,
   * 1 relu, 2 tanh, 3 sigmoid, 4 elu); the fast backends compute identity and relu themselves and
   * hand the others to the js reference. out must not overlap x or gammaBeta.
   */
  filmForward(
    rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array,
  ): void;

  /**
   * FiLM's backward, from `out` (filmForward's result) and gradOut [rows, features]: with
   * dPre = gradOut · act'(out) (relu: out > 0 ? gradOut : 0),
   *
   * - gradX [rows, features] = betaX·gradX + dPre · (1 + γ) (skipped when gradX is null);
   * - gradGammaBeta [gammaRows, width] = betaGammaBeta·gradGammaBeta + Σ over the rows r that read
   *   gammaBeta row t of dPre[r] · x[r] (γ columns) and dPre[r] (β columns), summed in row order
   *   (skipped when gradGammaBeta is null). Columns outside [offset, offset + 2·features) and rows
   *   no row reads only get the beta scaling: with beta 0 the whole buffer is overwritten (zeros
   *   there; its previous contents may be NaN).
   *
   * Every backend gives the same bits whatever its thread count: a gradGammaBeta element shared by
   * several rows is always accumulated in row order by one thread.
   */
  filmBackward(
    rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array, gradOut: Float32Array,
    betaX: number, gradX: Float32Array | null, betaGammaBeta: number, gradGammaBeta: Float32Array | null,
  ): void;

  /**
   * Unfolds `count` images [count, channels, height, width] into one matrix columns
   * [channels·kh·kw, count·positions] (positions = outputHeight·outputWidth): column n·positions + p
   * holds the window under output position p of image n, zeros where it covers padding. A whole
   * batch then convolves in one GEMM.
   */
  im2colBatch(images: Float32Array, window: ConvWindow, count: number, columns: Float32Array): void;

  /**
   * The adjoint of `im2colBatch`: adds every entry of columns [channels·kh·kw, count·positions]
   * onto the pixel of `images` [count, channels, height, width] it was read from. Each pixel's
   * contributions are added in the order (channel, kernel row, kernel column, output row, output
   * column), on every backend and thread count.
   */
  col2imBatch(columns: Float32Array, window: ConvWindow, count: number, images: Float32Array): void;

  /**
   * From channel-major [channels, count·positions] (a batch GEMM's output) to images
   * [count, channels, positions]: out[n, c, p] = (beta ? out[n, c, p] : 0) + source[c, n·positions + p]
   * + (bias ? bias[c] : 0). beta is 0 or 1; with 0, out's previous contents are ignored.
   */
  channelsToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, positions: number, beta: number, out: Float32Array,
  ): void;

  /**
   * From a grid — channel-major [channels, count·gridHeight·gridWidth] whose image n fills the
   * top-left height × width window of its gridHeight × gridWidth plane — to images
   * [count, channels, height, width]: out[n, c, y, x] = (beta ? out[n, c, y, x] : 0)
   * + source[c, n·gridHeight·gridWidth + y·gridWidth + x] + (bias ? bias[c] : 0). beta is 0 or 1.
   * A stride-1 unpadded convolution computed on the input's grid leaves its output here.
   */
  gridToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, gridHeight: number, gridWidth: number,
    height: number, width: number, beta: number, out: Float32Array,
  ): void;

  /**
   * The adjoint of `gridToImages` without bias: images [count, channels, height, width] into the
   * top-left windows of grid out [channels, count·gridHeight·gridWidth], zeros in the rest of each plane.
   */
  imagesToGrid(images: Float32Array, count: number, channels: number, height: number, width: number, gridHeight: number, gridWidth: number, out: Float32Array): void;

  /**
   * A stride-1 convolution with zero padding, computed whole: for input [count, channels, height,
   * width] (the window's sizes; its strides must be 1), weight [outChannels, channels, kh, kw] and
   * out [count, outChannels, outputHeight, outputWidth], out[n, o, y, x] = (beta ? out : 0)
   * + (bias ? bias[o] : 0) + Σ_c Σ_ki Σ_kj weight[o, c, ki, kj] · input[n, c, y + ki − padHeight,
   * x + kj − padWidth] (zero outside the image). beta is 0 or 1. Backends agree within float32
   * rounding; each gives the same bits on any thread count.
   */
  convStride1(
    input: Float32Array, window: ConvWindow, count: number, weight: Float32Array, bias: Float32Array | null, outChannels: number,
    beta: number, out: Float32Array,
  ): void;

  /**
   * The weight gradient of a stride-1 unpadded layer: out[a, b, ki, kj] = (beta ? out : 0)
   * + Σ_n Σ_y Σ_x small[n, a, y, x] · big[n, b, y + ki, x + kj], for small [count, smallChannels,
   * smallHeight, smallWidth], big [count, bigChannels, smallHeight + kh − 1, smallWidth + kw − 1]
   * and out [smallChannels, bigChannels, kh, kw]. For conv2d, small is the output gradient and big
   * the input; for convTranspose2d, small is the input and big the output gradient. beta is 0 or 1.
   */
  convStride1WeightGrad(
    small: Float32Array, big: Float32Array, count: number, smallChannels: number, bigChannels: number, smallHeight: number, smallWidth: number,
    kernelHeight: number, kernelWidth: number, beta: number, out: Float32Array,
  ): void;

  /** From images [count, channels, positions] to channel-major out [channels, count·positions]. */
  imagesToChannels(images: Float32Array, count: number, channels: number, positions: number, out: Float32Array): void;

  /**
   * Per-channel sums of images [count, channels, positions] (a convolution's bias gradient):
   * out[c] = beta·out[c] + Σ_n Σ_p images[n, c, p], summed in float64 — position p of each image
   * (images in order) into lane p mod 8, the eight lanes added pairwise — and rounded once, so
   * every backend gives the same bits. beta is 0 or 1.
   */
  sumChannels(images: Float32Array, count: number, channels: number, positions: number, beta: number, out: Float32Array): void;

  /** images[n, c, p] += bias[c] in place, for images [count, channels, positions]. */
  addChannelBias(images: Float32Array, bias: Float32Array, count: number, channels: number, positions: number): void;
}
