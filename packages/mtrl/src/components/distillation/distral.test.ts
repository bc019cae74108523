import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/core";
import type { DistilledPolicy } from "../component.js";
import { buildComponent, finiteDifferenceError } from "../testing/component-harness.js";
import { gaussianKlFromTask, sharedLogProbOfTaskSample } from "./distral.js";

const rows = 5;
const actions = 3;
const bounds = { logStdMin: -5, logStdMax: 2 };
/** Narrower bounds for the finite differences: tiny σ would give float32 outputs too large to resolve a 1e-3 step. */
const gentleBounds = { logStdMin: -1, logStdMax: 1 };
const tolerance = 0.02;
const valuesOf = (seed: number, length: number): Float32Array => Rng.fromSeed(seed, "distral-test").fillUniform(new Float32Array(length), -1, 1);

/** Float64 KL(π ‖ π0) of the bounded Gaussians, summed over actions and averaged over rows. */
function klReference(shared: Float32Array, task: Float32Array): number {
  const halfRange = 0.5 * (bounds.logStdMax - bounds.logStdMin);
  const logStd = (params: Float32Array, i: number, j: number): number => bounds.logStdMin + halfRange * (Math.tanh(params[i * 2 * actions + actions + j]!) + 1);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < actions; j++) {
      const [s0, s] = [logStd(shared, i, j), logStd(task, i, j)];
      const difference = task[i * 2 * actions + j]! - shared[i * 2 * actions + j]!;
      total += s0 - s + (Math.exp(2 * s) + difference * difference) / (2 * Math.exp(2 * s0)) - 0.5;
    }
  }
  return total / rows;
}

describe("Distral", () => {
  const built = buildComponent("distillation", { type: "distral", hiddenSizes: [8], lr: 0.01 }, { inputSize: 4, outputSize: 2 * actions, taskEncodingSize: 1, rows, logStdBounds: bounds });
  const engine = built.engine;
  const task = valuesOf(1, rows * 2 * actions);

  test("the distillation KL matches the Gaussian formula and is 0 against itself", () => {
    engine.beginStep();
    const shared = valuesOf(2, rows * 2 * actions);
    const kl = gaussianKlFromTask(engine.input([rows, 2 * actions], shared), task, actions, bounds);
    assert.ok(Math.abs(kl.item() - klReference(shared, task)) < 1e-4 * Math.max(1, klReference(shared, task)), `KL ${kl.item()}, expected ${klReference(shared, task)}`);
    assert.ok(Math.abs(gaussianKlFromTask(engine.input([rows, 2 * actions], task), task, actions, bounds).item()) < 1e-5);
  });

  test("the distillation KL's gradient w.r.t. the shared policy matches finite differences", () => {
    const result = finiteDifferenceError(engine, [], [[rows, 2 * actions]], ([shared]) => gaussianKlFromTask(shared!, task, actions, gentleBounds), { samples: 30 });
    assert.ok(result.checked > 0 && result.worst < tolerance, `worst relative error ${result.worst} at ${result.worstAt}`);
  });

  test("log π0 of the task policy's sample: gradient w.r.t. the task policy matches finite differences", () => {
    const shared = valuesOf(3, rows * 2 * actions);
    const noise = valuesOf(4, rows * actions);
    const result = finiteDifferenceError(
      engine,
      [],
      [[rows, 2 * actions]],
      ([taskParams]) => sharedLogProbOfTaskSample(engine.input([rows, 2 * actions], shared), taskParams!, engine.input([rows, actions], noise), gentleBounds),
      { samples: 30 },
    );
    assert.deepEqual(result.outShape, [rows, 1]);
    assert.ok(result.checked > 0 && result.worst < tolerance, `worst relative error ${result.worst} at ${result.worstAt}`);
  });

  test("distillation steps move the shared policy towards the task policies", () => {
    const policy = built.component as DistilledPolicy;
    const observations = valuesOf(5, rows * 4);
    const distance = (): number => {
      engine.beginStep();
      return engine.noGrad(() => gaussianKlFromTask(policy.forward(engine.input([rows, 4], observations)), task, actions, bounds).item());
    };
    const before = distance();
    for (let i = 0; i < 100; i++) {
      engine.beginStep();
      policy.distill(engine.input([rows, 4], observations), task);
    }
    assert.ok(distance() < 0.5 * before, `KL to the task policies should fall by half in 100 steps: ${before} → ${distance()}`);
  });
});
