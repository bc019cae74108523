import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import type { Kernels } from "../kernels/kernels.js";
import type { Tensor } from "../tensor/tensor.js";

/** One input of a gradient check: its shape, optional values, and whether to check its gradient. */
export interface GradCheckInput {
  readonly shape: readonly number[];
  readonly values?: ArrayLike<number>;
  /** Check d(output)/d(this input) (default true). */
  readonly grad?: boolean;
}

export interface GradCheckCase {
  readonly inputs: readonly GradCheckInput[];
  /** The op under test, on float32 tensors of the engine. */
  readonly forward: (engine: Engine, inputs: Tensor[]) => Tensor;
  /** An independent float64 implementation of the same function, used for finite differences. */
  readonly reference: (inputs: Float64Array[]) => Float64Array;
}

export interface GradCheckOptions {
  readonly seed?: number;
  /** Finite-difference step (in float64). */
  readonly step?: number;
  readonly relativeTolerance?: number;
  readonly absoluteTolerance?: number;
  readonly kernels?: Kernels;
}

/** The worst mismatch found, with enough context to debug a failure. */
export interface GradCheckReport {
  readonly forwardError: number;
  readonly worstGradient: { input: number; index: number; analytic: number; numeric: number; excess: number };
  readonly checkedElements: number;
}

/**
 * Checks an op's forward against its float64 reference and its backward against float64
 * central finite differences of that reference, for L = Σ output · R with a random R (so every
 * output element matters). Returns a report; `excess` > 0 means outside tolerance.
 *
 * The float32 inputs are what the reference sees too (rounded first), so the only differences
 * left are float32 arithmetic in the op and O(step²) truncation in the differences.
 */
export function gradCheck(testCase: GradCheckCase, options: GradCheckOptions = {}): GradCheckReport {
  const rng = Rng.fromSeed(options.seed ?? 0, "gradcheck");
  const step = options.step ?? 1e-5;
  const rtol = options.relativeTolerance ?? 2e-3;
  const atol = options.absoluteTolerance ?? 2e-4;
  const engine = new Engine(options.kernels ?? new JsKernels(), { blockFloats: 1 << 16 });
  engine.beginStep();
  const tensors = testCase.inputs.map((input) => {
    const tensor = engine.input(input.shape, undefined, input.grad !== false);
    if (input.values !== undefined) tensor.data.set(input.values);
    else for (let i = 0; i < tensor.size; i++) tensor.data[i] = rng.uniform(-1, 1);
    return tensor;
  });
  const inputs64 = tensors.map((tensor) => Float64Array.from(tensor.data));
  const output = testCase.forward(engine, tensors);
  const expected = testCase.reference(inputs64.map((values) => values.slice()));
  let forwardError = expected.length === output.size ? 0 : Infinity;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(output.data[i]! - expected[i]!) - (atol + rtol * Math.abs(expected[i]!));
    forwardError = Math.max(forwardError, error);
  }
  const weights = new Float64Array(output.size);
  for (let i = 0; i < weights.length; i++) weights[i] = rng.uniform(-1, 1);
  const wrt = tensors.filter((_, i) => testCase.inputs[i]!.grad !== false);
  engine.backward(output, wrt, { seed: Float32Array.from(weights) });
  const objective = (values: Float64Array[]): number => {
    const out = testCase.reference(values);
    let total = 0;
    for (let i = 0; i < out.length; i++) total += out[i]! * weights[i]!;
    return total;
  };
  let worst = { input: -1, index: -1, analytic: 0, numeric: 0, excess: -Infinity };
  let checked = 0;
  tensors.forEach((tensor, inputIndex) => {
    if (testCase.inputs[inputIndex]!.grad === false) return;
    const values = inputs64.map((v) => v.slice());
    const target = values[inputIndex]!;
    for (let i = 0; i < target.length; i++) {
      const original = target[i]!;
      target[i] = original + step;
      const plus = objective(values);
      target[i] = original - step;
      const minus = objective(values);
      target[i] = original;
      const numeric = (plus - minus) / (2 * step);
      const analytic = tensor.grad![i]!;
      const excess = Math.abs(analytic - numeric) - (atol + rtol * Math.abs(numeric));
      checked++;
      if (excess > worst.excess) worst = { input: inputIndex, index: i, analytic, numeric, excess };
    }
  });
  return { forwardError, worstGradient: worst, checkedElements: checked };
}

/** Runs `gradCheck` and throws with the worst mismatch when forward or gradient is out of tolerance. */
export function assertGradients(testCase: GradCheckCase, options: GradCheckOptions = {}): GradCheckReport {
  const report = gradCheck(testCase, options);
  if (report.forwardError > 0) {
    throw new Error(`forward differs from the float64 reference by ${report.forwardError} beyond tolerance`);
  }
  if (report.checkedElements === 0) throw new Error("gradCheck checked no gradient elements");
  const worst = report.worstGradient;
  if (worst.excess > 0) {
    throw new Error(
      `gradient of input ${worst.input} at element ${worst.index}: analytic ${worst.analytic} vs finite-difference ${worst.numeric} (excess ${worst.excess.toExponential(2)})`,
    );
  }
  return report;
}

/** Float64 matrix product of row-major m×k and k×n. */
export function referenceMatmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return out;
}

/** Float64 transpose of a row-major rows×cols matrix. */
export function referenceTranspose(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j]!;
  return out;
}
