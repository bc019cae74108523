import {
  checkFilmBackwardArguments, checkFilmForwardArguments, checkMixRowsArguments, checkMixRowsWeightGradArguments,
} from "./kernel-arguments.js";
import {
  addChannelBiasReference, channelsToImagesReference, col2imBatchReference, gridToImagesReference, im2colBatchReference,
  imagesToChannelsReference, imagesToGridReference, sumChannelsReference,
} from "./conv-layout.js";
import {
  checkConvStride1Arguments, checkConvStride1WeightGradArguments, convStride1Reference, convStride1WeightGradReference,
} from "./conv-stride1.js";
import type { BackendName, ConvolutionPath, ConvWindow, Kernels } from "./kernels.js";

/**
 * The readable reference backend: plain TypeScript loops over Float32Arrays. Every other backend
 * extends this class and overrides only what it accelerates, and is tested against it.
 *
 * The GEMM keeps the innermost loop running over contiguous memory for each transpose case (the
 * i-k-j order for C = A·B), which is what makes plain JS tolerable here; it is still the slowest
 * backend by far.
 */
export class JsKernels implements Kernels {
  readonly name: BackendName = "js";
  /** The reference keeps the plain unfolding; tests run the grid path on it by option. */
  readonly convolutionPath: ConvolutionPath = "im2col";

  allocate(length: number): Float32Array {
    return new Float32Array(length);
  }

  allocateGrowable(length: number): Float32Array {
    return this.allocate(length);
  }

  /** Never: a reserved ArrayBuffer would count in full towards V8's external memory and GC pressure. */
  growInPlace(_block: Float32Array, _length: number): Float32Array | null {
    return null;
  }

  im2colBatch(images: Float32Array, window: ConvWindow, count: number, columns: Float32Array): void {
    im2colBatchReference(images, window, count, columns);
  }

  col2imBatch(columns: Float32Array, window: ConvWindow, count: number, images: Float32Array): void {
    col2imBatchReference(columns, window, count, images);
  }

  channelsToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, positions: number, beta: number, out: Float32Array,
  ): void {
    channelsToImagesReference(source, bias, count, channels, positions, beta, out);
  }

  imagesToChannels(images: Float32Array, count: number, channels: number, positions: number, out: Float32Array): void {
    imagesToChannelsReference(images, count, channels, positions, out);
  }

  convStride1(
    input: Float32Array, window: ConvWindow, count: number, weight: Float32Array, bias: Float32Array | null, outChannels: number,
    beta: number, out: Float32Array,
  ): void {
    // Checked here too: wasm runs this reference (it never takes the direct path by default).
    checkConvStride1Arguments(window, count, input, weight, bias, outChannels, beta, out);
    convStride1Reference(input, window, count, weight, bias, outChannels, beta, out);
  }

  convStride1WeightGrad(
    small: Float32Array, big: Float32Array, count: number, smallChannels: number, bigChannels: number, smallHeight: number, smallWidth: number,
    kernelHeight: number, kernelWidth: number, beta: number, out: Float32Array,
  ): void {
    checkConvStride1WeightGradArguments(small, big, count, smallChannels, bigChannels, smallHeight, smallWidth, kernelHeight, kernelWidth, beta, out);
    convStride1WeightGradReference(small, big, count, smallChannels, bigChannels, smallHeight, smallWidth, kernelHeight, kernelWidth, beta, out);
  }

  gridToImages(
    source: Float32Array, bias: Float32Array | null, count: number, channels: number, gridHeight: number, gridWidth: number,
    height: number, width: number, beta: number, out: Float32Array,
  ): void {
    gridToImagesReference(source, bias, count, channels, gridHeight, gridWidth, height, width, beta, out);
  }

  imagesToGrid(images: Float32Array, count: number, channels: number, height: number, width: number, gridHeight: number, gridWidth: number, out: Float32Array): void {
    imagesToGridReference(images, count, channels, height, width, gridHeight, gridWidth, out);
  }

  sumChannels(images: Float32Array, count: number, channels: number, positions: number, beta: number, out: Float32Array): void {
    sumChannelsReference(images, count, channels, positions, beta, out);
  }

  addChannelBias(images: Float32Array, bias: Float32Array, count: number, channels: number, positions: number): void {
    addChannelBiasReference(images, bias, count, channels, positions);
  }

  gemm(
    transA: boolean, transB: boolean,
    m: number, n: number, k: number,
    alpha: number,
    a: Float32Array, lda: number,
    b: Float32Array, ldb: number,
    beta: number,
    c: Float32Array, ldc: number,
  ): void {
    scaleOutput(m, n, beta, c, ldc);
    if (alpha === 0 || k === 0) return;
    if (!transB) {
      // C[i,:] += alpha * op(A)[i,p] * B[p,:] — rows of B are contiguous.
      for (let i = 0; i < m; i++) {
        const cRow = i * ldc;
        for (let p = 0; p < k; p++) {
          const aip = alpha * (transA ? a[p * lda + i]! : a[i * lda + p]!);
          if (aip === 0) continue;
          const bRow = p * ldb;
          for (let j = 0; j < n; j++) c[cRow + j]! += aip * b[bRow + j]!;
        }
      }
      return;
    }
    if (!transA) {
      // C[i,j] += alpha * dot(A[i,:], B[j,:]) — both rows contiguous.
      for (let i = 0; i < m; i++) {
        const aRow = i * lda;
        const cRow = i * ldc;
        for (let j = 0; j < n; j++) {
          const bRow = j * ldb;
          let sum = 0;
          for (let p = 0; p < k; p++) sum += a[aRow + p]! * b[bRow + p]!;
          c[cRow + j]! += alpha * sum;
        }
      }
      return;
    }
    // Aᵀ·Bᵀ: rare; the straightforward triple loop.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[p * lda + i]! * b[j * ldb + p]!;
        c[i * ldc + j]! += alpha * sum;
      }
    }
  }

  addBiasRows(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) out[row + j] = x[row + j]! + bias[j]!;
    }
  }

  addBiasRelu(x: Float32Array, bias: Float32Array, rows: number, cols: number, out: Float32Array): void {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) {
        const value = Math.fround(x[row + j]! + bias[j]!);
        out[row + j] = value > 0 ? value : 0;
      }
    }
  }

  reluForward(x: Float32Array, out: Float32Array): void {
    for (let i = 0; i < x.length; i++) {
      const value = x[i]!;
      out[i] = value > 0 ? value : 0;
    }
  }

  affine(x: Float32Array, factor: number, offset: number, out: Float32Array): void {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! * factor + offset;
  }

  reluBackward(y: Float32Array, gradOut: Float32Array, gradIn: Float32Array): void {
    for (let i = 0; i < y.length; i++) gradIn[i] = y[i]! > 0 ? gradOut[i]! : 0;
  }

  sumRows(x: Float32Array, rows: number, cols: number, beta: number, out: Float32Array): void {
    if (beta === 0) out.fill(0, 0, cols);
    else if (beta !== 1) for (let j = 0; j < cols; j++) out[j]! *= beta;
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) out[j]! += x[row + j]!;
    }
  }

  reluBackwardSumRows(
    y: Float32Array, gradOut: Float32Array, rows: number, cols: number,
    gradIn: Float32Array, beta: number, biasGrad: Float32Array,
  ): void {
    // Written out rather than composed so that the backends' overrides of the two parts cannot
    // leak into the reference.
    if (beta === 0) biasGrad.fill(0, 0, cols);
    else if (beta !== 1) for (let j = 0; j < cols; j++) biasGrad[j]! *= beta;
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) {
        const g = y[row + j]! > 0 ? gradOut[row + j]! : 0;
        gradIn[row + j] = g;
        biasGrad[j]! += g;
      }
    }
  }

  adamUpdate(
    param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
  ): void {
    // Same arithmetic order as torch.optim.Adam (non-fused, non-amsgrad):
    // p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
    const biasCorrection1 = 1 - Math.pow(beta1, step);
    const biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    const stepSize = lr / biasCorrection1;
    for (let i = 0; i < param.length; i++) {
      let g = grad[i]!;
      if (weightDecay !== 0) g += weightDecay * param[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * g;
      const vi = beta2 * v[i]! + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      param[i] = param[i]! - (stepSize * mi) / (Math.sqrt(vi) / biasCorrection2Sqrt + eps);
    }
  }

  polyakUpdate(target: Float32Array, source: Float32Array, tau: number): void {
    const keep = 1 - tau;
    for (let i = 0; i < target.length; i++) target[i] = keep * target[i]! + tau * source[i]!;
  }

  mixRows(
    transW: boolean, groupsOut: number, groupsIn: number, rows: number, features: number,
    weights: Float32Array, y: Float32Array, beta: number, out: Float32Array,
  ): void {
    checkMixRowsArguments(transW, groupsOut, groupsIn, rows, features, weights, y, out);
    // out row i of row b = Σ_j M_b[i, j] · y row j, with M_b = W_b or W_bᵀ.
    const outGroups = transW ? groupsIn : groupsOut;
    const sumGroups = transW ? groupsOut : groupsIn;
    const stride = rows * features; // between groups
    for (let b = 0; b < rows; b++) {
      const w = b * groupsOut * groupsIn;
      for (let i = 0; i < outGroups; i++) {
        const outRow = i * stride + b * features;
        if (beta === 0) out.fill(0, outRow, outRow + features);
        else if (beta !== 1) for (let h = 0; h < features; h++) out[outRow + h]! *= beta;
        for (let j = 0; j < sumGroups; j++) {
          const weight = transW ? weights[w + j * groupsIn + i]! : weights[w + i * groupsIn + j]!;
          const yRow = j * stride + b * features;
          for (let h = 0; h < features; h++) out[outRow + h]! += weight * y[yRow + h]!;
        }
      }
    }
  }

  mixRowsWeightGrad(
    groupsOut: number, groupsIn: number, rows: number, features: number,
    dOut: Float32Array, y: Float32Array, beta: number, dWeights: Float32Array,
  ): void {
    checkMixRowsWeightGradArguments(groupsOut, groupsIn, rows, features, dOut, y, dWeights);
    const stride = rows * features;
    for (let b = 0; b < rows; b++) {
      for (let o = 0; o < groupsOut; o++) {
        const dRow = o * stride + b * features;
        for (let g = 0; g < groupsIn; g++) {
          const yRow = g * stride + b * features;
          let sum = 0;
          for (let h = 0; h < features; h++) sum += dOut[dRow + h]! * y[yRow + h]!;
          const at = (b * groupsOut + o) * groupsIn + g;
          dWeights[at] = beta === 0 ? sum : beta * dWeights[at]! + sum;
        }
      }
    }
  }

  filmForward(
    rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array,
  ): void {
    checkFilmForwardArguments(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out);
    for (let r = 0; r < rows; r++) {
      const row = r * features;
      const gammaStart = (rowIndex === null ? r : rowIndex[r]!) * width + offset;
      const betaStart = gammaStart + features;
      if (activation === reluCode) {
        // FiLM's activation, without the per-element dispatch (which costs V8 ~40% here).
        for (let h = 0; h < features; h++) {
          const scale = Math.fround(1 + gammaBeta[gammaStart + h]!);
          const pre = Math.fround(Math.fround(scale * x[row + h]!) + gammaBeta[betaStart + h]!);
          out[row + h] = pre > 0 ? pre : 0;
        }
        continue;
      }
      for (let h = 0; h < features; h++) {
        const scale = Math.fround(1 + gammaBeta[gammaStart + h]!);
        const pre = Math.fround(Math.fround(scale * x[row + h]!) + gammaBeta[betaStart + h]!);
        out[row + h] = activate(activation, pre);
      }
    }
  }

  filmBackward(
    rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
    x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array, gradOut: Float32Array,
    betaX: number, gradX: Float32Array | null, betaGammaBeta: number, gradGammaBeta: Float32Array | null,
  ): void {
    checkFilmBackwardArguments(rows, features, gammaRows, width, offset, activation, x, gammaBeta, rowIndex, out, gradOut, gradX, gradGammaBeta);
    // With a row index, several rows may share a gammaBeta row and their gradients add up: the
    // beta scaling (a first, beta 0, contribution: zeros) goes over the whole buffer first and every
    // row accumulates. Without one, a beta 0 call writes each row in place.
    const overwrite = betaGammaBeta === 0 && rowIndex === null;
    if (gradGammaBeta !== null && !overwrite) scaleOutput(1, gammaRows * width, betaGammaBeta, gradGammaBeta, 0);
    for (let r = 0; r < rows; r++) {
      const row = r * features;
      const gammaBetaRow = (rowIndex === null ? r : rowIndex[r]!) * width;
      const gammaStart = gammaBetaRow + offset;
      const betaStart = gammaStart + features;
      if (gradGammaBeta !== null && overwrite) {
        // The buffer may hold anything: the columns of the other layers' γ and β get zero here
        // and their ops' contributions added later.
        gradGammaBeta.fill(0, gammaBetaRow, gammaStart);
        gradGammaBeta.fill(0, betaStart + features, gammaBetaRow + width);
      }
      for (let h = 0; h < features; h++) {
        // d(out)/d(pre) from the output, as the activation ops compute it.
        const g = gradOut[row + h]!;
        const dPre = activation === reluCode ? (out[row + h]! > 0 ? g : 0) : Math.fround(preActivationGradient(activation, g, out[row + h]!));
        if (gradX !== null) {
          const dx = Math.fround(dPre * Math.fround(1 + gammaBeta[gammaStart + h]!));
          gradX[row + h] = betaX === 0 ? dx : betaX * gradX[row + h]! + dx;
        }
        if (gradGammaBeta !== null) {
          const dGamma = Math.fround(dPre * x[row + h]!);
          if (overwrite) {
            gradGammaBeta[gammaStart + h] = dGamma;
            gradGammaBeta[betaStart + h] = dPre;
          } else {
            gradGammaBeta[gammaStart + h]! += dGamma;
            gradGammaBeta[betaStart + h]! += dPre;
          }
        }
      }
    }
  }
}

/** The activation codes of ops/activation.ts that the kernels see as numbers. */
const reluCode = 1;

/** activation(value) for an activation code (see ops/activation.ts), as applyActivation computes it. */
function activate(code: number, value: number): number {
  switch (code) {
    case 0:
      return value;
    case 1:
      return value > 0 ? value : 0;
    case 2:
      return Math.tanh(value);
    case 3:
      return 1 / (1 + Math.exp(-value));
    default:
      return value > 0 ? value : Math.expm1(value);
  }
}

/** gradOut · activation'(pre), from the output y, as multiplyByActivationDerivative computes it. */
function preActivationGradient(code: number, gradOut: number, y: number): number {
  switch (code) {
    case 0:
      return gradOut;
    case 1:
      return y > 0 ? gradOut : 0;
    case 2:
      return gradOut * (1 - y * y);
    case 3:
      return gradOut * (y * (1 - y));
    default:
      return y > 0 ? gradOut : gradOut * (y + 1);
  }
}

/** C = beta * C over an m×n block with row stride ldc; beta = 0 clears (NaN-safe). */
function scaleOutput(m: number, n: number, beta: number, c: Float32Array, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const row = i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else for (let j = 0; j < n; j++) c[row + j]! *= beta;
  }
}
