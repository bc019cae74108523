/**
 * mixGroups forward + backward per backend, printed as JSON lines (one per backend x shape):
 *   node --import tsx packages/nn/bench/mix-groups.ts
 *
 * Shapes are soft modularization's (4 modules of 128 features, routing weights [B, 4, 4]) at batch
 * 128 and 1280. One iteration is `mixGroups(y, w)` then `engine.backward` with gradients to both
 * y and w (the op's whole cost in a training update; the seed is copied in, nothing else runs);
 * `forwardMs` times the forward alone. Medians over BENCH_MIX_SECONDS (default 0.5) after a
 * warm-up that lets V8 tier the code up.
 */
import { Engine } from "../src/autodiff/engine.js";
import { JsKernels } from "../src/kernels/js-kernels.js";
import type { Kernels } from "../src/kernels/kernels.js";
import { NativeKernels } from "../src/kernels/native-kernels.js";
import { WasmKernels } from "../src/kernels/wasm-kernels.js";
import { mixGroups } from "../src/ops/mix-groups.js";
import { timeMedian as timeMedianOver } from "./timing.js";

interface Shape {
  groupsIn: number;
  groupsOut: number;
  rows: number;
  features: number;
}

const shapes: Shape[] = [128, 1280].map((rows) => ({ groupsIn: 4, groupsOut: 4, rows, features: 128 }));
const seconds = Number(process.env["BENCH_MIX_SECONDS"] ?? "0.5");
const timeMedian = (run: () => void): number => timeMedianOver(run, seconds);

function measure(kernels: Kernels, shape: Shape): { forwardBackwardMs: number; forwardMs: number } {
  const { groupsIn, groupsOut, rows, features } = shape;
  const engine = new Engine(kernels);
  const y = engine.persistent([groupsIn, rows, features], "y", true);
  const w = engine.persistent([rows, groupsOut, groupsIn], "w", true);
  for (let i = 0; i < y.size; i++) y.data[i] = ((i * 7919) % 2000) / 1000 - 1;
  for (let i = 0; i < w.size; i++) w.data[i] = ((i * 104729) % 1000) / 1000;
  const seed = new Float32Array(groupsOut * rows * features);
  for (let i = 0; i < seed.length; i++) seed[i] = ((i * 31) % 200) / 100 - 1;
  const forwardBackwardMs = timeMedian(() => {
    engine.beginStep();
    engine.backward(mixGroups(y, w), [y, w], { seed });
  });
  const forwardMs = timeMedian(() => {
    engine.beginStep();
    engine.noGrad(() => mixGroups(y, w));
  });
  return { forwardBackwardMs, forwardMs };
}

async function main(): Promise<void> {
  const backends: Array<{ backend: string; threads: number; kernels: () => Kernels }> = [
    { backend: "js", threads: 1, kernels: () => new JsKernels() },
  ];
  const wasm = await WasmKernels.create();
  const wasmTwo = await WasmKernels.create({ threads: 2 });
  backends.push({ backend: "wasm", threads: 1, kernels: () => wasm }, { backend: "wasm", threads: 2, kernels: () => wasmTwo });
  try {
    const threads = Math.max(1, NativeKernels.load().blasInfo().threads);
    backends.push({ backend: "native", threads, kernels: () => NativeKernels.load({ blasThreads: threads }) });
    if (threads > 1) backends.push({ backend: "native", threads: 1, kernels: () => NativeKernels.load({ blasThreads: 1 }) });
  } catch (error) {
    console.log(JSON.stringify({ bench: "mix-groups", backend: "native", skipped: (error as Error).message }));
  }
  for (const { backend, threads, kernels } of backends) {
    const instance = kernels();
    for (const shape of shapes) {
      const { forwardBackwardMs, forwardMs } = measure(instance, shape);
      console.log(JSON.stringify({
        bench: "mix-groups", backend, threads,
        y: [shape.groupsIn, shape.rows, shape.features], weights: [shape.rows, shape.groupsOut, shape.groupsIn],
        forwardBackwardMs: Number(forwardBackwardMs.toFixed(4)), forwardMs: Number(forwardMs.toFixed(4)),
      }));
    }
  }
  wasm.close();
  wasmTwo.close();
}

await main();
