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

/** Shape and lengths of a `mixRows` call (see Kernels.mixRows for the layouts). */
export function checkMixRowsArguments(
  transW: boolean, groupsOut: number, groupsIn: number, rows: number, features: number,
  weights: Float32Array, y: Float32Array, out: Float32Array,
): void {
  checkMixSizes("mixRows", groupsOut, groupsIn, rows, features);
  const [yGroups, outGroups] = transW ? [groupsOut, groupsIn] : [groupsIn, groupsOut];
  const note = transW ? " (transW: y holds groupsOut groups, out groupsIn)" : "";
  checkMixOperand("mixRows", "weights", weights, [rows, groupsOut, groupsIn], note);
  checkMixOperand("mixRows", "y", y, [yGroups, rows, features], note);
  checkMixOperand("mixRows", "out", out, [outGroups, rows, features], note);
}

/** Shape and lengths of a `mixRowsWeightGrad` call. */
export function checkMixRowsWeightGradArguments(
  groupsOut: number, groupsIn: number, rows: number, features: number,
  dOut: Float32Array, y: Float32Array, dWeights: Float32Array,
): void {
  checkMixSizes("mixRowsWeightGrad", groupsOut, groupsIn, rows, features);
  checkMixOperand("mixRowsWeightGrad", "dOut", dOut, [groupsOut, rows, features], "");
  checkMixOperand("mixRowsWeightGrad", "y", y, [groupsIn, rows, features], "");
  checkMixOperand("mixRowsWeightGrad", "dWeights", dWeights, [rows, groupsOut, groupsIn], "");
}

function checkMixSizes(kernel: string, groupsOut: number, groupsIn: number, rows: number, features: number): void {
  const sizes = [groupsOut, groupsIn, rows, features];
  if (!sizes.every((size) => Number.isInteger(size) && size >= 0)) {
    throw new KernelArgumentError(
      `${kernel}: groupsOut, groupsIn, rows and features must be non-negative integers, got ` +
        `groupsOut=${groupsOut}, groupsIn=${groupsIn}, rows=${rows}, features=${features}.`,
    );
  }
}

function checkMixOperand(kernel: string, name: string, view: Float32Array, shape: readonly number[], note: string): void {
  const needed = shape.reduce((product, size) => product * size, 1);
  if (view.length < needed) {
    throw new KernelArgumentError(
      `${kernel}: ${name} must hold [${shape.join(", ")}] = ${needed} floats${note}, but holds ${view.length}. ` +
        "Check groupsOut, groupsIn, rows, features and transW against the arrays passed.",
    );
  }
}

/** Shape, activation code, row indices and operand lengths of a `filmForward` call. */
export function checkFilmForwardArguments(
  rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
  x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array,
): void {
  checkFilmShape("filmForward", rows, features, gammaRows, width, offset, activation, rowIndex);
  checkFilmOperand("filmForward", "x", x, [rows, features]);
  checkFilmOperand("filmForward", "gammaBeta", gammaBeta, [gammaRows, width]);
  checkFilmOperand("filmForward", "out", out, [rows, features]);
}

/** The same for `filmBackward`, whose gradients may be null (not wanted). */
export function checkFilmBackwardArguments(
  rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
  x: Float32Array, gammaBeta: Float32Array, rowIndex: Int32Array | null, out: Float32Array, gradOut: Float32Array,
  gradX: Float32Array | null, gradGammaBeta: Float32Array | null,
): void {
  checkFilmShape("filmBackward", rows, features, gammaRows, width, offset, activation, rowIndex);
  checkFilmOperand("filmBackward", "x", x, [rows, features]);
  checkFilmOperand("filmBackward", "gammaBeta", gammaBeta, [gammaRows, width]);
  checkFilmOperand("filmBackward", "out", out, [rows, features]);
  checkFilmOperand("filmBackward", "gradOut", gradOut, [rows, features]);
  if (gradX !== null) checkFilmOperand("filmBackward", "gradX", gradX, [rows, features]);
  if (gradGammaBeta !== null) checkFilmOperand("filmBackward", "gradGammaBeta", gradGammaBeta, [gammaRows, width]);
}

function checkFilmShape(
  kernel: string, rows: number, features: number, gammaRows: number, width: number, offset: number, activation: number,
  rowIndex: Int32Array | null,
): void {
  const sizes = [rows, features, gammaRows, width, offset];
  if (!sizes.every((size) => Number.isInteger(size) && size >= 0)) {
    throw new KernelArgumentError(
      `${kernel}: rows, features, gammaRows, width and offset must be non-negative integers, got ` +
        `rows=${rows}, features=${features}, gammaRows=${gammaRows}, width=${width}, offset=${offset}.`,
    );
  }
  if (offset + 2 * features > width) {
    throw new KernelArgumentError(
      `${kernel}: γ and β take columns [${offset}, ${offset + 2 * features}) of gammaBeta, but its rows are ${width} wide. ` +
        "Pass offset + 2 * features <= width.",
    );
  }
  if (!(Number.isInteger(activation) && activation >= 0 && activation <= 4)) {
    throw new KernelArgumentError(`${kernel}: activation must be a code of ops/activation.ts (0 identity, 1 relu, 2 tanh, 3 sigmoid, 4 elu), got ${activation}.`);
  }
  if (rowIndex === null) {
    if (gammaRows !== rows) {
      throw new KernelArgumentError(`${kernel}: without a rowIndex, row r reads gammaBeta row r, so gammaRows must equal rows (${rows}), got ${gammaRows}.`);
    }
    return;
  }
  if (rowIndex.length < rows) {
    throw new KernelArgumentError(`${kernel}: rowIndex must hold one gammaBeta row per row (${rows}), but holds ${rowIndex.length}.`);
  }
  // Compiled code reads gammaBeta at these rows: an index outside it would read another tensor.
  for (let r = 0; r < rows; r++) {
    const index = rowIndex[r]!;
    if (!(index >= 0 && index < gammaRows)) {
      throw new KernelArgumentError(`${kernel}: rowIndex[${r}] = ${index} is outside the ${gammaRows} rows of gammaBeta.`);
    }
  }
}

function checkFilmOperand(kernel: string, name: string, view: Float32Array, shape: readonly [number, number]): void {
  const needed = shape[0] * shape[1];
  if (view.length < needed) {
    throw new KernelArgumentError(
      `${kernel}: ${name} must hold [${shape.join(", ")}] = ${needed} floats, but holds ${view.length}. ` +
        "Check rows, features, gammaRows and width against the arrays passed.",
    );
  }
}
