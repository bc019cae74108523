import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "@mtrl/core";
import { ParameterStore, matmul, mul, sub, type Tensor } from "@mtrl/nn";
import type { GradientStep } from "../component.js";
import { buildComponent } from "../testing/component-harness.js";
import { gradNormWeightGradient } from "./gradnorm.js";

const twoTasks = { names: ["loud", "quiet"], descriptions: ["", ""] };

/**
 * Two tasks regress the same linear model y = x · w on their own rows; task "loud"'s loss is scaled
 * by 10, task "quiet"'s by 0.1, so their gradients at the (only, hence last) shared layer differ by
 * 100×. The model itself is not moved (its update is a no-op), so the weights are the only thing
 * that changes.
 */
function syntheticProblem(gradient: Record<string, unknown>) {
  const built = buildComponent("gradient", gradient, { inputSize: 0, taskEncodingSize: 1, rows: 8 }, twoTasks);
  const engine = built.engine;
  const model = new ParameterStore(engine, "model");
  const w = model.create("w", [2, 1], (values) => values.set([0.3, -0.2]));
  const features = [1, 0.5, -1, 2, 0.25, 1, 2, -0.5, 1, 1, -0.5, 0.75, 0.5, -2, 1.5, 0.25];
  const targets = [1, -1, 0.5, 2, -0.5, 1, 1.5, -1];
  const scales = Array.from(built.taskIndices, (task) => (task === 0 ? 10 : 0.1));
  const rowsOf = (values: number[], width: number, rows: Int32Array | null): number[] =>
    rows === null ? values : Array.from(rows).flatMap((row) => values.slice(row * width, (row + 1) * width));
  const loss = {
    forward: (rows: Int32Array | null): Tensor => {
      const count = rows === null ? 8 : rows.length;
      const difference = sub(matmul(engine.input([count, 2], rowsOf(features, 2, rows)), w), engine.input([count, 1], rowsOf(targets, 1, rows)));
      return mul(engine.input([count, 1], rowsOf(scales, 1, rows)), mul(difference, difference));
    },
  };
  const step = built.component as GradientStep;
  const groups = [{ params: model, update: () => undefined, lastSharedLayer: [w] }];
  return {
    minimize: () => {
      engine.beginStep();
      return step.minimize(loss, built.context(engine.input([2, 1])), groups);
    },
    weights: (): number[] => {
      const metrics = step.metrics!();
      return [metrics["gradnorm_weight/loud"]!, metrics["gradnorm_weight/quiet"]!];
    },
    step,
    /** The learned weights' tensor (saved by the agent's parameter table, not by getState). */
    weightTensor: built.params.tensors[0]!,
    /** The mean per-row loss of the batch at the model's weights, in float64. */
    meanRowLoss: (): number => {
      let total = 0;
      for (let r = 0; r < 8; r++) {
        const difference = features[2 * r]! * w.data[0]! + features[2 * r + 1]! * w.data[1]! - targets[r]!;
        total += scales[r]! * difference * difference;
      }
      return total / 8;
    },
  };
}

describe("GradNorm", () => {
  test("unequal loss scales: the loud task's weight falls, the quiet one's rises, the sum stays 2, the weighted norms approach each other", () => {
    const problem = syntheticProblem({ type: "gradnorm", lr: 0.01 });
    problem.minimize();
    const [loud1, quiet1] = problem.weights();
    assert.ok(loud1! < 1 && quiet1! > 1, `after one step the loud task should weigh less than 1 and the quiet more, got ${loud1}, ${quiet1}`);
    let previousGap = Number.POSITIVE_INFINITY;
    for (let update = 0; update < 40; update++) {
      problem.minimize();
      const [loud, quiet] = problem.weights();
      assert.ok(Math.abs(loud! + quiet! - 2) < 1e-5, `weights must sum to the number of tasks, got ${loud} + ${quiet}`);
      assert.ok(loud! > 0 && quiet! > 0, `weights must stay positive, got ${loud}, ${quiet}`);
      // The loud task's gradient is 100× the quiet one's: its weighted norm is w_loud · 100 vs w_quiet · 1.
      const gap = Math.abs(Math.log((loud! * 100) / quiet!));
      assert.ok(gap <= previousGap + 1e-9, `the weighted norms should move towards each other (log-ratio ${gap} after ${previousGap})`);
      previousGap = gap;
    }
    const [loud, quiet] = problem.weights();
    assert.ok(loud! < loud1! && quiet! > quiet1!, `the weights keep moving apart: ${loud1}, ${quiet1} → ${loud}, ${quiet}`);
  });

  test("the reported loss is the batch's mean per-row loss", () => {
    const problem = syntheticProblem({ type: "gradnorm", lr: 0.01 });
    const reported = problem.minimize();
    assert.ok(Math.abs(reported - problem.meanRowLoss()) < 1e-5 * problem.meanRowLoss(), `reported ${reported}, expected ${problem.meanRowLoss()}`);
  });

  test("a slower-training task (larger loss ratio) is pushed up, a faster one down, with equal norms", () => {
    const out = new Float32Array(2);
    gradNormWeightGradient([1, 1], { losses: [0.9, 0.3], gradientNorms: [1, 1], active: [true, true] }, [1, 1], 1, out);
    // Gradient descent moves w against the gradient: the slow task's weight has a negative gradient.
    assert.ok(out[0]! < 0 && out[1]! > 0, `expected [−, +], got [${out[0]}, ${out[1]}]`);
    gradNormWeightGradient([1, 1], { losses: [0.9, 0.3], gradientNorms: [1, 1], active: [true, true] }, [1, 1], 0, out);
    assert.deepEqual(Array.from(out), [0, 0], "with α = 0 equal norms are already on target");
  });

  test("needs at least two tasks", () => {
    assert.throws(
      () => buildComponent("gradient", { type: "gradnorm" }, { inputSize: 0, taskEncodingSize: 1, rows: 2 }, { names: ["only"], descriptions: [""] }),
      (error) => error instanceof ConfigError && /several tasks.*env\.numTasks >= 2/.test(error.message),
    );
  });

  test("its state (baselines, Adam moments) with the weights restores the same next weights", () => {
    const first = syntheticProblem({ type: "gradnorm", lr: 0.01 });
    const second = syntheticProblem({ type: "gradnorm", lr: 0.01 });
    for (let i = 0; i < 3; i++) first.minimize();
    second.weightTensor.data.set(first.weightTensor.data);
    second.step.setState!(JSON.parse(JSON.stringify(first.step.getState!())));
    first.minimize();
    second.minimize();
    assert.deepEqual(second.weights(), first.weights());
  });
});
