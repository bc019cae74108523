import type { TapeNode } from "../autodiff/tape-node.js";
import { IndexError, ShapeError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Ops that route rows by an integer index — the multi-task plumbing: pick each sample's task
 * parameters (`indexSelect`), sum per-task losses (`scatterAdd`), pick each sample's task head
 * (`gatherPerRow`). Indices are an Int32Array, not a tensor: they never carry gradients.
 */

/** out[n, ...] = table[index[n], ...] for a table of shape [rows, ...]. Gradient: scatter-add. */
export function indexSelect(table: Tensor, index: Int32Array): Tensor {
  const engine = table.engine;
  engine.check(table);
  const rows = table.dim(0);
  checkIndices("indexSelect", index, rows, table);
  const width = table.size / rows;
  const out = engine.empty([index.length, ...table.shape.slice(1)]);
  for (let n = 0; n < index.length; n++) {
    const from = index[n]! * width;
    out.data.set(table.data.subarray(from, from + width), n * width);
  }
  const node = engine.record(indexSelectBackward, out, table);
  if (node !== null) {
    node.index = index;
    node.n0 = width;
  }
  return out;
}

function indexSelectBackward(node: TapeNode): void {
  const table = node.a!;
  const engine = table.engine;
  if (!engine.needsGrad(table)) return;
  const beta = engine.claimGrad(table);
  const grad = table.grad!;
  if (beta === 0) grad.fill(0);
  scatterRows(node.out.grad!, node.index!, node.n0, grad);
}

/** out[r, ...] = Σ_{n: index[n] = r} values[n, ...], with `rows` output rows. Gradient: gather. */
export function scatterAdd(values: Tensor, index: Int32Array, rows: number): Tensor {
  const engine = values.engine;
  engine.check(values);
  if (values.rank === 0 || values.dim(0) !== index.length) {
    throw new ShapeError(`scatterAdd: ${values.describe()} must have one row per index (${index.length}), got ${values.rank === 0 ? "a scalar" : values.dim(0)} rows.`);
  }
  checkIndices("scatterAdd", index, rows, values);
  const width = index.length === 0 ? 0 : values.size / index.length;
  const out = engine.empty([rows, ...values.shape.slice(1)]);
  out.data.fill(0);
  scatterRows(values.data, index, width, out.data);
  const node = engine.record(scatterAddBackward, out, values);
  if (node !== null) {
    node.index = index;
    node.n0 = width;
  }
  return out;
}

function scatterAddBackward(node: TapeNode): void {
  const values = node.a!;
  const engine = values.engine;
  if (!engine.needsGrad(values)) return;
  const beta = engine.claimGrad(values);
  const index = node.index!;
  const width = node.n0;
  const g = node.out.grad!;
  const grad = values.grad!;
  for (let n = 0; n < index.length; n++) {
    const from = index[n]! * width;
    for (let j = 0; j < width; j++) grad[n * width + j] = beta === 0 ? g[from + j]! : grad[n * width + j]! + g[from + j]!;
  }
}

/** out[n, :] = x[n, index[n], :] for x of shape [N, K, D] (or [N, K] → [N]): per-sample head selection. */
export function gatherPerRow(x: Tensor, index: Int32Array): Tensor {
  const engine = x.engine;
  engine.check(x);
  if (x.rank < 2 || x.dim(0) !== index.length) {
    throw new ShapeError(`gatherPerRow: expected x of shape [N, K, ...] with N = ${index.length} indices, got ${x.describe()}.`);
  }
  const choices = x.dim(1);
  checkIndices("gatherPerRow", index, choices, x);
  const width = x.size / (x.dim(0) * choices);
  const out = engine.empty([x.dim(0), ...x.shape.slice(2)]);
  for (let n = 0; n < index.length; n++) {
    const from = (n * choices + index[n]!) * width;
    out.data.set(x.data.subarray(from, from + width), n * width);
  }
  const node = engine.record(gatherPerRowBackward, out, x);
  if (node !== null) {
    node.index = index;
    node.n0 = choices;
    node.n1 = width;
  }
  return out;
}

function gatherPerRowBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGrad(x);
  const index = node.index!;
  const choices = node.n0;
  const width = node.n1;
  const g = node.out.grad!;
  const grad = x.grad!;
  if (beta === 0) grad.fill(0);
  for (let n = 0; n < index.length; n++) {
    const to = (n * choices + index[n]!) * width;
    for (let j = 0; j < width; j++) grad[to + j]! += g[n * width + j]!;
  }
}

function scatterRows(source: Float32Array, index: Int32Array, width: number, target: Float32Array): void {
  for (let n = 0; n < index.length; n++) {
    const to = index[n]! * width;
    for (let j = 0; j < width; j++) target[to + j]! += source[n * width + j]!;
  }
}

function checkIndices(op: string, index: Int32Array, bound: number, tensor: Tensor): void {
  for (let n = 0; n < index.length; n++) {
    const value = index[n]!;
    if (value < 0 || value >= bound) {
      throw new IndexError(`${op}: index[${n}] = ${value} is outside [0, ${bound}) for ${tensor.describe()}. Task ids must be below the number of tasks.`);
    }
  }
}
