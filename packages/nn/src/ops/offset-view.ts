/**
 * `array.subarray(offset)`, cached per array and offset. Ops that hand the kernels one block of a
 * larger buffer per group (a GEMM per expert) would otherwise create a typed-array object per
 * block on every step; the arena returns the same arrays step after step, so after the first step
 * every lookup here hits and a training step creates no views.
 */
const viewsByArray = new WeakMap<Float32Array, Map<number, Float32Array>>();

export function viewFrom(array: Float32Array, offset: number): Float32Array {
  if (offset === 0) return array;
  let views = viewsByArray.get(array);
  if (views === undefined) {
    views = new Map();
    viewsByArray.set(array, views);
  }
  let view = views.get(offset);
  if (view === undefined) {
    view = array.subarray(offset);
    views.set(offset, view);
  }
  return view;
}
