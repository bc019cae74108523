/**
 * featureModulation (FiLM) forward + backward per backend, printed as JSON lines:
 *   node --conditions=mtrl-source --import tsx packages/nn/bench/feature-modulation.ts [--rounds 5]
 *
 * The shape is one trunk layer of the FiLM agent at B = 1280: x [1280, 400] modulated by
 * gammaBeta [10, 2400] (10 tasks, three 400-wide layers' γ and β side by side; this layer reads
 * columns [800, 1600)) through a row index of random tasks, ReLU. One iteration is the op then
 * `engine.backward` with gradients to x and gammaBeta (the seed is copied in, nothing else runs);
 * `forwardMs` times the forward alone. Rounds interleave the backends, so a drift of this shared
 * VM's speed hits all of them alike; each round prints one line per backend (medians over
 * BENCH_FILM_SECONDS, default 0.4, after a warm-up), and a summary line per backend gives the
 * median over rounds.
 */
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../src/autodiff/engine.js";
import { JsKernels } from "../src/kernels/js-kernels.js";
import type { Kernels } from "../src/kernels/kernels.js";
import { NativeKernels } from "../src/kernels/native-kernels.js";
import { WasmKernels } from "../src/kernels/wasm-kernels.js";
import { featureModulation } from "../src/ops/feature-modulation.js";
import { median, timeMedian as timeMedianOver } from "./timing.js";

const shape = { rows: 1280, features: 400, tasks: 10, width: 2400, offset: 800 } as const;
const seconds = Number(process.env["BENCH_FILM_SECONDS"] ?? "0.4");
const timeMedian = (run: () => void): number => timeMedianOver(run, seconds);

interface Timing { forwardBackwardMs: number; forwardMs: number }

function prepare(kernels: Kernels): () => Timing {
  const { rows, features, tasks, width, offset } = shape;
  const engine = new Engine(kernels);
  const rng = Rng.fromSeed(1, "bench-film");
  const x = engine.persistent([rows, features], "x", true);
  const gammaBeta = engine.persistent([tasks, width], "gammaBeta", true);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform(-1, 1);
  for (let i = 0; i < gammaBeta.size; i++) gammaBeta.data[i] = rng.uniform(-0.5, 0.5);
  const rowIndex = new Int32Array(rows);
  for (let r = 0; r < rows; r++) rowIndex[r] = rng.integers(0, tasks);
  const seed = new Float32Array(rows * features);
  for (let i = 0; i < seed.length; i++) seed[i] = rng.uniform(-1, 1);
  return () => ({
    forwardBackwardMs: timeMedian(() => {
      engine.beginStep();
      engine.backward(featureModulation(x, gammaBeta, offset, "relu", rowIndex), [x, gammaBeta], { seed });
    }),
    forwardMs: timeMedian(() => {
      engine.beginStep();
      engine.noGrad(() => featureModulation(x, gammaBeta, offset, "relu", rowIndex));
    }),
  });
}

async function main(): Promise<void> {
  const roundsFlag = process.argv.indexOf("--rounds");
  const rounds = roundsFlag >= 0 ? Number(process.argv[roundsFlag + 1]) : 5;
  const wasm = await WasmKernels.create();
  const wasmTwo = await WasmKernels.create({ threads: 2 });
  const backends: Array<{ backend: string; threads: number; run: () => Timing }> = [
    { backend: "js", threads: 1, run: prepare(new JsKernels()) },
    { backend: "wasm", threads: 1, run: prepare(wasm) },
    { backend: "wasm", threads: 2, run: prepare(wasmTwo) },
  ];
  try {
    // NativeKernels.load returns the one addon: its thread count is set before each measurement.
    const native = NativeKernels.load({ blasThreads: 2 });
    const run = prepare(native);
    backends.push(
      { backend: "native", threads: 1, run: () => { NativeKernels.load({ blasThreads: 1 }); return run(); } },
      { backend: "native", threads: 2, run: () => { NativeKernels.load({ blasThreads: 2 }); return run(); } },
    );
  } catch (error) {
    console.log(JSON.stringify({ bench: "feature-modulation", backend: "native", skipped: (error as Error).message }));
  }
  const results = backends.map(() => [] as Timing[]);
  const common = { bench: "feature-modulation", x: [shape.rows, shape.features], gammaBeta: [shape.tasks, shape.width], rowIndex: true, activation: "relu" };
  for (let round = 1; round <= rounds; round++) {
    backends.forEach(({ backend, threads, run }, index) => {
      const timing = run();
      results[index]!.push(timing);
      console.log(JSON.stringify({
        ...common, round, backend, threads,
        forwardBackwardMs: Number(timing.forwardBackwardMs.toFixed(4)), forwardMs: Number(timing.forwardMs.toFixed(4)),
      }));
    });
  }
  backends.forEach(({ backend, threads }, index) => {
    const timings = results[index]!;
    console.log(JSON.stringify({
      ...common, summary: true, rounds, backend, threads,
      forwardBackwardMs: Number(median(timings.map((t) => t.forwardBackwardMs)).toFixed(4)),
      forwardMs: Number(median(timings.map((t) => t.forwardMs)).toFixed(4)),
      nsPerElementForward: Number((median(timings.map((t) => t.forwardMs)) * 1e6 / (shape.rows * shape.features)).toFixed(3)),
      nsPerElementBackward: Number((median(timings.map((t) => t.forwardBackwardMs - t.forwardMs)) * 1e6 / (shape.rows * shape.features)).toFixed(3)),
    }));
  });
  wasm.close();
  wasmTwo.close();
}

await main();
