/**
 * Benchmark: what the per-task gradients of gradient surgery cost, on MT-SAC's critic at MT10 shapes
 * (twin Q networks of 3 × 400 over observation 39 + one-hot 10 + action 4; 10 tasks), per batch size:
 *
 *   plain        one forward over the batch, one backward of the mean loss (MT-SAC's critic step)
 *   per-task     TaskGradients: one forward + backward over each task's rows only (what pcgrad and
 *                gradnorm run)
 *   masked       nn's perTaskGradients: one forward over the batch, then one backward over the whole
 *                batch per task with the other tasks' rows masked out (T full backward passes)
 *
 * Prints JSON lines only: the median ms of each, and per-task and masked as ratios to plain.
 *
 *   node --import tsx packages/mtrl/bench/task-gradients.ts [--backends native,wasm] [--batch 128,1280] [--iters 10]
 */
import { Rng } from "@mtrl/core";
import { Engine, MLP, ParameterStore, add, mseLoss, perTaskGradients, type BackendName, type Tensor } from "@mtrl/nn";
import { TaskContext } from "../src/components/task-context.js";
import { TaskGradients } from "../src/components/gradient-steps/task-gradients.js";
import { loadBackend, mt10Dimensions, percentile, print, randomBatch, round3 } from "./bench-helpers.js";

const { observationSize, actionSize, numTasks } = mt10Dimensions;
const inputSize = observationSize + numTasks + actionSize;

function options(argv: readonly string[]): { backends: BackendName[]; batches: number[]; iterations: number } {
  const parsed = { backends: ["native", "wasm"] as BackendName[], batches: [128, 1280], iterations: 10 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value = ""] = [argv[i]!, argv[i + 1]];
    if (flag === "--backends") parsed.backends = value.split(",") as BackendName[];
    else if (flag === "--batch") parsed.batches = value.split(",").map(Number);
    else if (flag === "--iters") parsed.iterations = Number(value);
    else throw new Error(`task-gradients bench: unknown flag ${flag}; see the comment at the top of the file.`);
  }
  return parsed;
}

function medianMs(iterations: number, body: () => void): number {
  for (let i = 0; i < 3; i++) body();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    body();
    times.push(performance.now() - started);
  }
  return percentile(times.sort((a, b) => a - b), 0.5);
}

async function main(): Promise<void> {
  const { backends, batches, iterations } = options(process.argv.slice(2));
  for (const backend of backends) {
    const kernels = await loadBackend(backend);
    if (typeof kernels === "string") {
      print({ bench: "task-gradients", backend, skipped: kernels });
      continue;
    }
    for (const batchSize of batches) {
      const engine = new Engine(kernels);
      const params = new ParameterStore(engine, "critic");
      const rng = Rng.fromSeed(1, "init");
      const q1 = new MLP(params.child("q1"), { inputSize, hiddenSizes: [400, 400, 400], outputSize: 1 }, rng.stream("q1"));
      const q2 = new MLP(params.child("q2"), { inputSize, hiddenSizes: [400, 400, 400], outputSize: 1 }, rng.stream("q2"));
      params.flat();
      const batch = randomBatch(batchSize, 0);
      const inputs = new Float32Array(batchSize * inputSize);
      Rng.fromSeed(2, "inputs").fillNormal(inputs);
      const targets = Rng.fromSeed(3, "targets").fillNormal(new Float32Array(batchSize));
      const rowsOf = (values: Float32Array, width: number, rows: Int32Array | null): Tensor => {
        if (rows === null) return engine.input([batchSize, width], values);
        const tensor = engine.empty([rows.length, width]);
        rows.forEach((row, i) => tensor.data.set(values.subarray(row * width, (row + 1) * width), i * width));
        return tensor;
      };
      const forward = (rows: Int32Array | null): Tensor => {
        const x = rowsOf(inputs, inputSize, rows);
        const target = rowsOf(targets, 1, rows);
        return add(mseLoss(q1.forward(x), target, { reduction: "none" }), mseLoss(q2.forward(x), target, { reduction: "none" }));
      };
      const context = new TaskContext(engine, batch.taskIndices, numTasks);
      const taskGradients = new TaskGradients(engine, numTasks, [{ params, update: () => undefined }]);
      const masked = new Float32Array(numTasks * params.size);
      const plainMs = medianMs(iterations, () => {
        engine.beginStep();
        const loss = forward(null);
        engine.backward(add(loss, loss), params.tensors, { seed: new Float32Array(batchSize).fill(1 / batchSize) });
      });
      const perTaskMs = medianMs(iterations, () => {
        engine.beginStep();
        taskGradients.compute({ forward }, context);
      });
      const maskedMs = medianMs(iterations, () => {
        engine.beginStep();
        perTaskGradients(forward(null), batch.taskIndices, numTasks, params, masked);
      });
      print({
        bench: "task-gradients", backend: kernels.name, batch: batchSize, tasks: numTasks, parameters: params.size,
        plain_ms: round3(plainMs), per_task_ms: round3(perTaskMs), masked_ms: round3(maskedMs),
        per_task_ratio: round3(perTaskMs / plainMs), masked_ratio: round3(maskedMs / plainMs),
      });
    }
    (kernels as { close?: () => void }).close?.();
  }
}

await main();
