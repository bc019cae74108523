import type { Rng } from "@mtrl/core/rng";

/**
 * Seeded initialisers. Every parameter draws from its own stream `rng.stream(fullName)`, so adding
 * or reordering layers never changes the initial values of the others.
 */

/** U(−bound, bound): PyTorch's default for Linear/Conv weights and biases is bound = 1/√fanIn. */
export function uniformInit(rng: Rng, bound: number): (values: Float32Array, fullName: string) => void {
  return (values, fullName) => {
    const stream = rng.stream(fullName);
    for (let i = 0; i < values.length; i++) values[i] = stream.uniform(-bound, bound);
  };
}

/** Every value set to `value` (LayerNorm: weight 1, bias 0). */
export function constantInit(value: number): (values: Float32Array) => void {
  return (values) => {
    values.fill(value);
  };
}

/**
 * torch.nn.Linear's default: kaiming_uniform_(a=√5) on the weight reduces to U(±1/√fanIn), and
 * the bias uses the same bound.
 */
export function defaultLinearBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}

/**
 * How layers initialise their weights:
 * - "uniform": torch's defaults (U(±1/√fanIn) for weights and biases of Linear and convolutions);
 * - "orthogonal": SAC-AE's and MTRL's `weight_init` — Linear weights orthogonal (gain 1),
 *   convolution weights delta-orthogonal (zero except an orthogonal centre tap, gain √2 for the
 *   ReLU that follows), every bias zero. With the uniform default a conv stack's pre-activation
 *   variance shrinks by ~6× per layer; the orthogonal scheme keeps it.
 */
export type InitScheme = "uniform" | "orthogonal";

/** The gain torch.nn.init.calculate_gain("relu") gives. */
export const reluGain = Math.SQRT2;

/**
 * torch.nn.init.orthogonal_ on a weight whose first dimension is `rows` (the rest flattened into
 * `cols`): a standard normal matrix made orthogonal. The tall orientation (rows ≥ cols, else the
 * transpose) is orthonormalised column by column with modified Gram–Schmidt in float64, which
 * is the Q of a QR decomposition whose R has a positive diagonal: torch's sign-corrected Q. Rows
 * (or columns, when wide) come out orthonormal, then scaled by `gain`.
 */
export function orthogonalInit(rng: Rng, rows: number, cols: number, gain = 1): (values: Float32Array, fullName: string) => void {
  return (values, fullName) => {
    if (values.length !== rows * cols) throw new RangeError(`orthogonalInit: ${fullName} has ${values.length} values, not ${rows}×${cols}.`);
    const q = orthonormalColumns(rng.stream(fullName), Math.max(rows, cols), Math.min(rows, cols));
    writeOrthogonal(q, rows, cols, gain, values, 1, 0);
  };
}

/**
 * SAC-AE's delta-orthogonal convolution init: every tap zero except the centre one, whose
 * [dim0, dim1] matrix (Conv2d: [out, in]; ConvTranspose2d: [in, out]) is orthogonal with `gain`.
 * Weight layout [dim0, dim1, kh, kw]; kh and kw must be equal and odd (a centre tap exists).
 */
export function deltaOrthogonalInit(rng: Rng, dim0: number, dim1: number, kernel: number, gain = reluGain): (values: Float32Array, fullName: string) => void {
  return (values, fullName) => {
    const taps = kernel * kernel;
    if (values.length !== dim0 * dim1 * taps) throw new RangeError(`deltaOrthogonalInit: ${fullName} has ${values.length} values, not ${dim0}×${dim1}×${kernel}×${kernel}.`);
    values.fill(0);
    const q = orthonormalColumns(rng.stream(fullName), Math.max(dim0, dim1), Math.min(dim0, dim1));
    const centre = Math.floor(kernel / 2) * kernel + Math.floor(kernel / 2);
    writeOrthogonal(q, dim0, dim1, gain, values, taps, centre);
  };
}

/** `columns` orthonormal float64 vectors of length `length` (column-major), from normal draws. */
function orthonormalColumns(rng: Rng, length: number, columns: number): Float64Array {
  const q = rng.fillNormal(new Float64Array(length * columns));
  for (let j = 0; j < columns; j++) {
    const column = q.subarray(j * length, (j + 1) * length);
    for (let previous = 0; previous < j; previous++) {
      const basis = q.subarray(previous * length, (previous + 1) * length);
      let dot = 0;
      for (let i = 0; i < length; i++) dot += basis[i]! * column[i]!;
      for (let i = 0; i < length; i++) column[i]! -= dot * basis[i]!;
    }
    let norm = 0;
    for (let i = 0; i < length; i++) norm += column[i]! * column[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < length; i++) column[i]! /= norm;
  }
  return q;
}

/**
 * Writes the [rows, cols] orthogonal matrix into `values` at element (r, c) · stride + offset:
 * tall (rows ≥ cols) is Q itself, wide is Qᵀ.
 */
function writeOrthogonal(q: Float64Array, rows: number, cols: number, gain: number, values: Float32Array, stride: number, offset: number): void {
  const tall = rows >= cols;
  const length = Math.max(rows, cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const value = tall ? q[c * length + r]! : q[r * length + c]!;
      values[(r * cols + c) * stride + offset] = gain * value;
    }
  }
}
