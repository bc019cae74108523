import type { Tensor } from "../tensor/tensor.js";
import { ShapeError } from "../errors.js";
import { formatShape, sameShape } from "../tensor/tensor.js";

/** dst = src (beta 0) or dst += src (beta 1): how every backward writes its contribution. */
export function accumulate(dst: Float32Array, beta: 0 | 1, src: Float32Array): void {
  if (beta === 0) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < dst.length; i++) dst[i]! += src[i]!;
}

/** Throws a ShapeError naming both shapes unless `a` and `b` have the same shape. */
export function assertSameShape(op: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(
      `${op}: expected ${a.describe()} and ${b.describe()} to have the same shape, got ${formatShape(a.shape)} and ${formatShape(b.shape)}.`,
    );
  }
}

/** Resolves a possibly negative axis and checks it lies in [0, rank). */
export function resolveAxis(op: string, tensor: Tensor, axis: number): number {
  const resolved = axis < 0 ? tensor.rank + axis : axis;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= tensor.rank) {
    throw new ShapeError(
      `${op}: axis ${axis} is out of range for ${tensor.describe()} of rank ${tensor.rank}; use an axis in [${-tensor.rank}, ${tensor.rank - 1}].`,
    );
  }
  return resolved;
}

/** Splits a shape around `axis` into (outer, length, inner) so axis ops become 3-D loops. */
export function splitAtAxis(shape: readonly number[], axis: number): { outer: number; length: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, length: shape[axis]!, inner };
}
