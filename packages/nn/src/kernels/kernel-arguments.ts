import { KernelArgumentError } from "./kernel-errors.js";

/**
 * Bounds checks shared by the backends that hand raw pointers to compiled code. They cost a few
 * integer comparisons per call, and turn what would be silent memory corruption into an error
 * that names the argument.
 */

/** Elements spanned by a rows×cols row-major block with row stride `ld` (0 when empty). */
export function matrixSpan(rows: number, cols: number, ld: number): number {
  return rows <= 0 || cols <= 0 ? 0 : (rows - 1) * ld + cols;
}

function checkMatrix(name: string, view: Float32Array, rows: number, cols: number, ld: number): void {
  if (!Number.isInteger(ld) || (cols > 0 && rows > 1 && ld < cols)) {
    throw new KernelArgumentError(
      `gemm: ld${name} must be an integer >= the ${cols} columns of its ${rows}x${cols} block, got ${ld}.`,
    );
  }
  const span = matrixSpan(rows, cols, ld);
  if (span > view.length) {
    throw new KernelArgumentError(
      `gemm: ${name} holds ${view.length} floats but a ${rows}x${cols} block with row stride ${ld} needs ${span}. ` +
        "Check the shapes, transpose flags and strides.",
    );
  }
}

export function checkGemmArguments(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, c: Float32Array, ldc: number,
): void {
  if (!Number.isInteger(m) || !Number.isInteger(n) || !Number.isInteger(k) || m < 0 || n < 0 || k < 0) {
    throw new KernelArgumentError(`gemm: m, n, k must be non-negative integers, got m=${m}, n=${n}, k=${k}.`);
  }
  // A and B are only read when there is something to compute.
  if (m > 0 && n > 0 && k > 0) {
    checkMatrix("A", a, transA ? k : m, transA ? m : k, lda);
    checkMatrix("B", b, transB ? n : k, transB ? k : n, ldb);
  }
  checkMatrix("C", c, m, n, ldc);
}

/** `view` must hold at least `length` floats. */
export function checkLength(kernel: string, name: string, view: Float32Array, length: number): void {
  if (view.length < length) {
    throw new KernelArgumentError(`${kernel}: ${name} holds ${view.length} floats, needs at least ${length}.`);
  }
}

export function checkRowsCols(kernel: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new KernelArgumentError(`${kernel}: rows and cols must be non-negative integers, got ${rows}x${cols}.`);
  }
}
