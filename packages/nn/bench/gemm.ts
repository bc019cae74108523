/**
 * GEMM throughput per backend, printed as JSON lines (one per backend x shape):
 *   npm run bench:gemm -w @mtrl/nn      (also part of the root `npm run bench:nn`)
 *
 * Shapes are those of a 400-wide Linear layer at batch B = 128 and 1280, with the transposes the
 * engine uses (weights stored out x in, as torch): forward X·Wᵀ (NT), input gradient dZ·W (NN),
 * weight gradient dZᵀ·X (TN, reduction over the batch). GFLOP/s is 2mnk / median time, after a
 * warm-up that lets V8 tier the WASM up. For wasm, `fractionOfCeiling` divides by this machine's
 * measured SIMD128 mul+add throughput (see wasm/ceiling.c), not by a nominal CPU peak.
 *
 * Options (environment): BENCH_GEMM_SECONDS per measurement (default 0.4), BENCH_GEMM_JS=0 to skip
 * the slow js reference.
 */
import { cpus } from "node:os";
import { JsKernels } from "../src/kernels/js-kernels.js";
import type { Kernels } from "../src/kernels/kernels.js";
import { NativeKernels } from "../src/kernels/native-kernels.js";
import { WasmKernels } from "../src/kernels/wasm-kernels.js";

interface Shape {
  label: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
}

const shapes: Shape[] = [128, 1280].flatMap((batch) => [
  { label: `forward ${batch}x400x400 (X·Wᵀ)`, transA: false, transB: true, m: batch, n: 400, k: 400 },
  { label: `input-grad ${batch}x400x400 (dZ·W)`, transA: false, transB: false, m: batch, n: 400, k: 400 },
  { label: `weight-grad 400x400x${batch} (dZᵀ·X)`, transA: true, transB: false, m: 400, n: 400, k: batch },
]);

const secondsPerMeasurement = Number(process.env["BENCH_GEMM_SECONDS"] ?? "0.4");

function measure(kernels: Kernels, shape: Shape, seconds: number): { gflops: number; medianMs: number; repeats: number } {
  const { transA, transB, m, n, k } = shape;
  const a = kernels.allocate(m * k), b = kernels.allocate(k * n), c = kernels.allocate(m * n);
  for (let i = 0; i < a.length; i++) a[i] = ((i * 7919) % 2000) / 1000 - 1;
  for (let i = 0; i < b.length; i++) b[i] = ((i * 104729) % 2000) / 1000 - 1;
  const lda = transA ? m : k, ldb = transB ? k : n;
  const run = (): number => {
    const start = performance.now();
    kernels.gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, 0, c, n);
    return performance.now() - start;
  };
  // Warm-up: V8 tiers WASM functions up from its baseline compiler only once they are hot (the
  // worker thread's calls included), BLAS spins up its threads, caches fill.
  const warmEnd = performance.now() + Math.min(300, seconds * 500);
  do run(); while (performance.now() < warmEnd);
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  do times.push(run()); while (performance.now() < end || times.length < 3);
  times.sort((x, y) => x - y);
  const medianMs = times[times.length >> 1]!;
  return { gflops: (2 * m * n * k) / (medianMs * 1e6), medianMs, repeats: times.length };
}

function print(record: Record<string, unknown>): void {
  console.log(JSON.stringify(record));
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

async function main(): Promise<void> {
  const wasm = await WasmKernels.create();
  const ceiling = wasm.measureSimdCeiling();
  print({
    bench: "gemm-machine", cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version,
    wasmSimd128CeilingGflops: round(ceiling, 1),
  });

  const backends: Array<{ backend: string; threads: number | string; kernels: Kernels; seconds: number; shapes: Shape[] }> = [
    { backend: "wasm", threads: 1, kernels: wasm, seconds: secondsPerMeasurement, shapes },
  ];
  const wasmTwo = await WasmKernels.create({ threads: 2 });
  backends.push({ backend: "wasm", threads: 2, kernels: wasmTwo, seconds: secondsPerMeasurement, shapes });
  let native: NativeKernels | null = null;
  try {
    native = NativeKernels.load();
  } catch (error) {
    print({ bench: "gemm", backend: "native", skipped: (error as Error).message });
  }
  if (process.env["BENCH_GEMM_JS"] !== "0") {
    // The reference is ~20x slower: one shape per batch size is enough to place it.
    backends.push({ backend: "js", threads: 1, kernels: new JsKernels(), seconds: secondsPerMeasurement, shapes: shapes.filter((_, index) => index % 3 === 1) });
  }

  for (const { backend, threads, kernels, seconds, shapes: list } of backends) {
    for (const shape of list) {
      const result = measure(kernels, shape, seconds);
      print({
        bench: "gemm", backend, threads, shape: shape.label, m: shape.m, n: shape.n, k: shape.k,
        gflops: round(result.gflops, 1), medianMs: round(result.medianMs, 3), repeats: result.repeats,
        ...(backend === "wasm" ? { fractionOfCeiling: round(result.gflops / ceiling, 3) } : {}),
      });
    }
  }
  if (native !== null) {
    // The BLAS's default thread count first (what training gets), then one thread for a
    // like-for-like comparison with single-threaded wasm.
    const info = native.blasInfo();
    const threadCounts = info.threads > 1 ? [info.threads, 1] : [info.threads];
    for (const threads of threadCounts) {
      const kernels = NativeKernels.load({ blasThreads: threads });
      for (const shape of shapes) {
        const result = measure(kernels, shape, secondsPerMeasurement);
        print({
          bench: "gemm", backend: "native", threads, blas: `${info.library} (${info.core})`, shape: shape.label,
          m: shape.m, n: shape.n, k: shape.k, gflops: round(result.gflops, 1), medianMs: round(result.medianMs, 3), repeats: result.repeats,
        });
      }
    }
    // Leave the library as we found it.
    NativeKernels.load({ blasThreads: Math.max(1, info.threads) });
  }
  wasm.close();
  wasmTwo.close();
}

await main();
