import assert from "node:assert/strict";
import { after, before } from "node:test";
import type { Rng } from "@mtrl/core/rng";
import { JsKernels } from "../kernels/js-kernels.js";
import type { Kernels } from "../kernels/kernels.js";
import { NativeKernels } from "../kernels/native-kernels.js";
import { WasmKernels } from "../kernels/wasm-kernels.js";

/** What the backend tests share: the js reference and every other backend this machine has. */

export const reference = new JsKernels();

export interface TestedBackend {
  readonly label: string;
  readonly kernels: Kernels;
  readonly close?: () => void;
}

/**
 * Registers before/after hooks in the calling test file that load wasm (one and two threads) and,
 * when it loads here, native; returns the list they fill.
 */
export function testedBackends(): TestedBackend[] {
  const backends: TestedBackend[] = [];
  before(async () => {
    const wasm = await WasmKernels.create();
    const wasmThreads = await WasmKernels.create({ threads: 2 });
    backends.push({ label: "wasm", kernels: wasm }, { label: "wasm-2-threads", kernels: wasmThreads, close: () => wasmThreads.close() });
    try {
      backends.push({ label: "native", kernels: NativeKernels.load() });
    } catch (error) {
      // Optional by design; the report names why so a missing BLAS in CI is visible.
      console.log(`native backend not tested: ${(error as Error).message}`);
    }
  });
  after(() => {
    for (const backend of backends) backend.close?.();
  });
  return backends;
}

/** `length` uniform values in [-1, 1) in memory of `kernels`. */
export function filled(kernels: Kernels, length: number, rng: Rng): Float32Array {
  const view = kernels.allocate(length);
  for (let i = 0; i < length; i++) view[i] = rng.uniform(-1, 1);
  return view;
}

/** A copy of `source` in memory of `kernels`. */
export function copyInto(kernels: Kernels, source: Float32Array): Float32Array {
  const view = kernels.allocate(source.length);
  view.set(source);
  return view;
}

/** Fails unless every output of a one-thread run has exactly the bytes of the two-thread run's; `name(i)` labels output i. */
export function assertSameBits(one: readonly Float32Array[], two: readonly Float32Array[], name: (i: number) => string): void {
  one.forEach((values, i) => {
    const other = two[i]!;
    assert.ok(
      Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(other.buffer, other.byteOffset, other.byteLength)),
      `${name(i)} differs between 1 and 2 threads`,
    );
  });
}
