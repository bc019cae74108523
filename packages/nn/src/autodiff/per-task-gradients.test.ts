import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/core";
import { JsKernels } from "../kernels/js-kernels.js";
import { MLP } from "../modules/mlp.js";
import { ParameterStore } from "../modules/parameter-store.js";
import { mul } from "../ops/binary.js";
import { sum } from "../ops/reduce.js";
import { Engine } from "./engine.js";
import { perTaskGradients } from "./per-task-gradients.js";

const numTasks = 10;
const rows = 40;

function setup(): { engine: Engine; params: ParameterStore; mlp: MLP; rng: Rng } {
  const engine = new Engine(new JsKernels(), { blockFloats: 1 << 14 });
  const params = new ParameterStore(engine, "net");
  const mlp = new MLP(params, { inputSize: 5, hiddenSizes: [8], outputSize: 1 }, Rng.fromSeed(2, "init"));
  return { engine, params, mlp, rng: Rng.fromSeed(3, "data") };
}

/** Per-row loss y² of a small MLP on a random batch whose rows cycle through the tasks. */
function perRowLoss(engine: Engine, mlp: MLP, rng: Rng, taskIndices: Int32Array) {
  const x = engine.input([rows, 5], rng.fillUniform(new Float32Array(rows * 5), -1, 1));
  const y = mlp.forward(x);
  for (let i = 0; i < rows; i++) taskIndices[i] = i % (numTasks - 1); // the last task has no rows
  return mul(y, y);
}

describe("perTaskGradients", () => {
  test("row t is the gradient of task t's mean loss; tasks without rows get zeros", () => {
    const { engine, params, mlp, rng } = setup();
    const taskIndices = new Int32Array(rows);
    const out = new Float32Array(numTasks * params.size);
    engine.beginStep();
    const loss = perRowLoss(engine, mlp, rng.stream("a"), taskIndices);
    const counts = perTaskGradients(loss, taskIndices, numTasks, params, out);
    assert.equal(counts[numTasks - 1], 0);
    assert.ok(out.subarray((numTasks - 1) * params.size).every((v) => v === 0));
    // Σ_t count_t · grad_t equals the gradient of the summed loss, computed in one ordinary pass.
    engine.beginStep();
    engine.backward(sum(perRowLoss(engine, mlp, rng.stream("a"), taskIndices)), params.tensors);
    const total = params.flat().grads;
    for (let j = 0; j < params.size; j++) {
      let combined = 0;
      for (let t = 0; t < numTasks; t++) combined += counts[t]! * out[t * params.size + j]!;
      assert.ok(Math.abs(combined - total[j]!) <= 1e-5 * (1 + Math.abs(total[j]!)), `parameter ${j}: ${combined} vs ${total[j]}`);
    }
    assert.equal(engine.tapeSize, 0, "the tape is cleared after the last task");
  });

  test("its scratch memory is released: the arena does not grow over 100 updates with 10 tasks", () => {
    const { engine, params, mlp, rng } = setup();
    const taskIndices = new Int32Array(rows);
    const out = new Float32Array(numTasks * params.size);
    const update = (): void => {
      engine.beginStep();
      perTaskGradients(perRowLoss(engine, mlp, rng, taskIndices), taskIndices, numTasks, params, out);
    };
    update();
    const after1 = engine.arena.stats();
    for (let i = 0; i < 100; i++) update();
    const after101 = engine.arena.stats();
    assert.equal(after101.transientCapacity, after1.transientCapacity);
    assert.equal(after101.transientHighWater, after1.transientHighWater);
    assert.equal(after101.kernelAllocations, after1.kernelAllocations);
    // Ten backward passes use no more memory than one ordinary pass plus the row mask.
    const single = setup();
    single.engine.beginStep();
    single.engine.backward(sum(perRowLoss(single.engine, single.mlp, single.rng, taskIndices)), single.params.tensors);
    assert.ok(
      after101.transientHighWater <= single.engine.arena.stats().transientHighWater + 2 * 64,
      `per-task high water ${after101.transientHighWater} vs one pass ${single.engine.arena.stats().transientHighWater}`,
    );
  });

  test("bad inputs are errors that say what was expected", () => {
    const { engine, params, mlp, rng } = setup();
    const taskIndices = new Int32Array(rows);
    engine.beginStep();
    const loss = perRowLoss(engine, mlp, rng, taskIndices);
    assert.throws(() => perTaskGradients(loss, taskIndices, numTasks, params, new Float32Array(3)), /out must hold numTasks × group size/);
    assert.throws(() => perTaskGradients(loss, taskIndices.subarray(1), numTasks, params, new Float32Array(numTasks * params.size)), /expected one loss per row/);
    taskIndices[0] = 12;
    assert.throws(() => perTaskGradients(loss, taskIndices, numTasks, params, new Float32Array(numTasks * params.size)), /row 0 has task 12/);
  });
});
