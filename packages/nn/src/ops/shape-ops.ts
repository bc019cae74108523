import type { TapeNode } from "../autodiff/tape-node.js";
import { ShapeError } from "../errors.js";
import { formatShape, shapeSize, Tensor } from "../tensor/tensor.js";
import { resolveAxis, splitAtAxis } from "./op-helpers.js";

/** The same numbers under another shape (no copy: the result shares `x`'s memory). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const engine = x.engine;
  engine.check(x);
  if (shapeSize(shape) !== x.size) {
    throw new ShapeError(`reshape: ${x.describe()} has ${x.size} elements but ${formatShape(shape)} holds ${shapeSize(shape)}. Keep the product of dimensions equal.`);
  }
  const out = new Tensor(engine, shape, x.data, false, x.persistent, x.persistent ? 0 : x.generation);
  engine.record(reshapeBackward, out, x);
  return out;
}

function reshapeBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGradInPlace(x, node.out);
  const g = node.out.grad!;
  if (beta === 0) {
    if (x.grad !== g) x.grad!.set(g);
  } else for (let i = 0; i < g.length; i++) x.grad![i]! += g[i]!;
}

/** The values of `x` as a tensor that records nothing: gradients stop here (torch's detach). */
export function detach(x: Tensor): Tensor {
  x.engine.check(x);
  return new Tensor(x.engine, x.shape, x.data, false, x.persistent, x.persistent ? 0 : x.generation);
}

/** Joins tensors along `axis`; all other dimensions must agree. */
export function concat(inputs: readonly Tensor[], axis = -1): Tensor {
  const first = inputs[0];
  if (first === undefined) throw new ShapeError("concat: expected at least one tensor, got none.");
  const engine = first.engine;
  const resolved = resolveAxis("concat", first, axis);
  let total = 0;
  for (const input of inputs) {
    engine.check(input);
    const compatible = input.rank === first.rank && input.shape.every((dim, i) => i === resolved || dim === first.shape[i]);
    if (!compatible) {
      throw new ShapeError(
        `concat: ${input.describe()} does not match ${first.describe()} outside axis ${resolved}; shapes were ${inputs.map((t) => formatShape(t.shape)).join(", ")}.`,
      );
    }
    total += input.shape[resolved]!;
  }
  const outShape = first.shape.map((dim, i) => (i === resolved ? total : dim));
  const out = engine.empty(outShape);
  const { outer, inner } = splitAtAxis(outShape, resolved);
  const outRow = total * inner;
  let offset = 0;
  for (const input of inputs) {
    const width = input.shape[resolved]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(input.data.subarray(o * width, (o + 1) * width), o * outRow + offset);
    offset += width;
  }
  const node = engine.recordList(concatBackward, out, inputs);
  if (node !== null) {
    node.n0 = outer;
    node.n1 = inner;
    node.n2 = resolved;
  }
  return out;
}

function concatBackward(node: TapeNode): void {
  const engine = node.out.engine;
  const outer = node.n0;
  const inner = node.n1;
  const axis = node.n2;
  const g = node.out.grad!;
  const outRow = node.out.shape[axis]! * inner;
  let offset = 0;
  for (const input of node.list!) {
    const width = input.shape[axis]! * inner;
    if (engine.needsGrad(input)) {
      const beta = engine.claimGrad(input);
      const grad = input.grad!;
      for (let o = 0; o < outer; o++) {
        const from = o * outRow + offset;
        if (beta === 0) grad.set(g.subarray(from, from + width), o * width);
        else for (let j = 0; j < width; j++) grad[o * width + j]! += g[from + j]!;
      }
    }
    offset += width;
  }
}

/** Elements start..end-1 along `axis` (a copy). */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const engine = x.engine;
  engine.check(x);
  const resolved = resolveAxis("slice", x, axis);
  const length = x.shape[resolved]!;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > length || start >= end) {
    throw new ShapeError(`slice: expected 0 <= start < end <= ${length} on axis ${resolved} of ${x.describe()}, got start=${start}, end=${end}.`);
  }
  const outShape = x.shape.map((dim, i) => (i === resolved ? end - start : dim));
  const out = engine.empty(outShape);
  const { outer, inner } = splitAtAxis(x.shape, resolved);
  const inRow = length * inner;
  const width = (end - start) * inner;
  for (let o = 0; o < outer; o++) {
    const from = o * inRow + start * inner;
    out.data.set(x.data.subarray(from, from + width), o * width);
  }
  const node = engine.record(sliceBackward, out, x);
  if (node !== null) {
    node.n0 = outer;
    node.n1 = inRow;
    node.n2 = start * inner;
    node.n3 = width;
  }
  return out;
}

function sliceBackward(node: TapeNode): void {
  const x = node.a!;
  const engine = x.engine;
  if (!engine.needsGrad(x)) return;
  const beta = engine.claimGrad(x);
  const outer = node.n0;
  const inRow = node.n1;
  const startOffset = node.n2;
  const width = node.n3;
  const g = node.out.grad!;
  const grad = x.grad!;
  for (let o = 0; o < outer; o++) {
    const rowStart = o * inRow;
    if (beta === 0) {
      // Positions outside the slice get zero on the first write.
      grad.fill(0, rowStart, rowStart + inRow);
    }
    for (let j = 0; j < width; j++) grad[rowStart + startOffset + j]! += g[o * width + j]!;
  }
}
