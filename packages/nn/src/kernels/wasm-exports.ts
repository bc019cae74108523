/** What kernels.wasm exports; pointers are byte offsets into the shared memory. */
export interface WasmExports {
  gemm_workspace_floats(): number;
  gemm(
    transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number,
  ): void;
  add_bias_rows(x: number, bias: number, rows: number, cols: number, out: number): void;
  add_bias_relu(x: number, bias: number, rows: number, cols: number, out: number): void;
  relu_forward(x: number, length: number, out: number): void;
  affine(x: number, length: number, factor: number, offset: number, out: number): void;
  relu_backward_sum_rows(y: number, gradOut: number, rows: number, cols: number, gradIn: number, beta: number, biasGrad: number): void;
  relu_backward(y: number, gradOut: number, length: number, gradIn: number): void;
  sum_rows(x: number, rows: number, cols: number, beta: number, out: number): void;
  adam_update(
    param: number, grad: number, m: number, v: number, length: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    eps: number, weightDecay: number, stepSize: number, sqrtBc2: number,
  ): void;
  polyak_update(target: number, source: number, length: number, keep: number, tau: number): void;
  mix_rows(
    transW: number, groupsOut: number, groupsIn: number, rows: number, features: number, groupStride: number,
    weights: number, y: number, beta: number, out: number,
  ): void;
  mix_rows_weight_grad(
    groupsOut: number, groupsIn: number, rows: number, features: number, groupStride: number,
    dOut: number, y: number, beta: number, dWeights: number,
  ): void;
  film_forward(
    rows: number, features: number, width: number, offset: number, relu: number,
    x: number, gammaBeta: number, rowIndex: number, out: number,
  ): void;
  film_backward(
    rows: number, features: number, width: number, offset: number, taskBegin: number, taskEnd: number, relu: number,
    x: number, gammaBeta: number, rowIndex: number, out: number, gradOut: number,
    betaX: number, gradX: number, overwriteGammaBeta: number, gradGammaBeta: number,
  ): void;
  im2col_batch(...args: number[]): void;
  col2im_batch(...args: number[]): void;
  channels_to_images(source: number, bias: number, count: number, channels: number, positions: number, beta: number, first: number, last: number, out: number): void;
  images_to_channels(images: number, count: number, channels: number, positions: number, first: number, last: number, out: number): void;
  grid_to_images(
    source: number, bias: number, count: number, channels: number, gridHeight: number, gridWidth: number, height: number, width: number,
    beta: number, first: number, last: number, out: number,
  ): void;
  images_to_grid(images: number, count: number, channels: number, height: number, width: number, gridHeight: number, gridWidth: number, first: number, last: number, out: number): void;
  sum_channels(images: number, count: number, channels: number, positions: number, beta: number, first: number, last: number, out: number): void;
  add_channel_bias(images: number, bias: number, channels: number, positions: number, first: number, last: number): void;
  simd_peak(iterations: number, scale: number, shift: number): number;
  __heap_base: WebAssembly.Global;
}
