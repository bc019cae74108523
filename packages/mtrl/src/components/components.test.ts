import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mul } from "@mtrl/nn";
import { buildComponent, finiteDifferenceError } from "./testing/component-harness.js";

/** Float32 central differences with a step of 1e-3: truncation and rounding stay well under this. */
const tolerance = 0.05;
const rows = 7;
const inputSize = 6;
const encodingSize = 5;

function assertGradients(name: string, result: { worst: number; checked: number; worstAt: string }): void {
  assert.ok(result.checked > 0, `${name}: nothing was checked`);
  assert.ok(result.worst < tolerance, `${name}: worst relative gradient error ${result.worst.toFixed(4)} over ${result.checked} entries, at ${result.worstAt}`);
}

describe("task encoders: shapes and finite-difference gradients", () => {
  for (const config of [{ type: "one-hot" }, { type: "learned", embeddingSize: 4, hiddenSizes: [6], outputSize: 5 }, { type: "metadata", textFeatureSize: 16, hiddenSizes: [8], outputSize: 5 }, { type: "observation", hiddenSizes: [8], outputSize: 5 }]) {
    test(config.type, () => {
      const built = buildComponent("taskEncoder", config, { inputSize: 3, taskEncodingSize: 0, rows });
      const encoder = built.component;
      const expectedWidth = config.type === "one-hot" ? built.numTasks : 5;
      assert.equal(encoder.outputSize, expectedWidth);
      assert.equal(encoder.trainable, config.type !== "one-hot");
      const result = finiteDifferenceError(built.engine, built.params.tensors, [[3, 1]], ([encodings]) => encoder.encode(built.context(encodings!)));
      assert.deepEqual(result.outShape, [rows, expectedWidth]);
      if (encoder.trainable) assertGradients(config.type, result);
    });
  }

  test("tasks with the same index get the same encoding; different tasks differ", () => {
    const built = buildComponent("taskEncoder", { type: "metadata", textFeatureSize: 16, hiddenSizes: [8], outputSize: 5 }, { inputSize: 3, taskEncodingSize: 0, rows: 6 });
    built.engine.beginStep();
    const out = built.component.encode(built.context(built.engine.input([3, 1])));
    const row = (i: number): number[] => Array.from(out.data.subarray(i * 5, i * 5 + 5));
    assert.deepEqual(row(0), row(3));
    assert.notDeepEqual(row(0), row(1));
  });
});

describe("encoders: shapes and finite-difference gradients", () => {
  const configs = [
    { type: "identity" },
    { type: "mlp", hiddenSizes: [8], featureSize: 4 },
    ...(["identity", "ensemble", "cluster", "gate", "attention"] as const).map((routing) => ({ type: "moe", numExperts: 3, routing, topK: 2, hiddenSizes: [8], featureSize: 4 })),
  ];
  for (const config of configs) {
    const name = "routing" in config ? `moe (${config.routing})` : config.type;
    test(name, () => {
      const built = buildComponent("encoder", config, { inputSize, taskEncodingSize: encodingSize, rows });
      const encoder = built.component;
      const width = config.type === "identity" ? inputSize : 4;
      assert.equal(encoder.outputSize, width);
      const result = finiteDifferenceError(built.engine, built.params.tensors, [[rows, inputSize], [3, encodingSize]], ([observations, encodings]) => encoder.encode(observations!, built.context(encodings!)), {
        // Routing reads the task encoding detached: no gradient flows back into it.
        detachedInputs: [1],
      });
      assert.deepEqual(result.outShape, [rows, width]);
      assertGradients(name, result);
    });
  }
});

describe("trunks: shapes and finite-difference gradients", () => {
  const configs = [
    { type: "mlp", hiddenSizes: [8, 6] },
    { type: "film", hiddenSizes: [8, 6] },
    { type: "soft-modularization", numLayers: 3, numModules: 2, moduleSize: 6 },
  ];
  for (const config of configs) {
    test(config.type, () => {
      // The input arrives as parts standing for [features ‖ task encoding ‖ action].
      const built = buildComponent("trunk", config, { inputSize: inputSize + encodingSize + 2, taskEncodingSize: encodingSize, rows });
      const trunk = built.component;
      assert.equal(trunk.outputSize, 6);
      const result = finiteDifferenceError(
        built.engine,
        built.params.tensors,
        [[rows, inputSize], [3, encodingSize], [rows, 2]],
        ([features, encodings, action]) => {
          const context = built.context(encodings!);
          return trunk.forward([features!, context.taskEncoding, action!], context);
        },
      );
      assert.deepEqual(result.outShape, [rows, 6]);
      assertGradients(config.type, result);
    });
  }
});

describe("heads: shapes and finite-difference gradients", () => {
  for (const config of ["single", "multi-head"]) {
    test(config, () => {
      const built = buildComponent("head", config, { inputSize, outputSize: 3, taskEncodingSize: encodingSize, rows });
      const head = built.component;
      const result = finiteDifferenceError(built.engine, built.params.tensors, [[rows, inputSize], [3, encodingSize]], ([hidden, encodings]) => head.forward(hidden!, built.context(encodings!)));
      assert.deepEqual(result.outShape, [rows, 3]);
      assertGradients(config, result);
    });
  }
});

describe("gradient step", () => {
  test("plain: one step of the mean per-row loss, reported as that mean", () => {
    const built = buildComponent("gradient", { type: "plain" }, { inputSize: 0, taskEncodingSize: 1, rows: 4 });
    const engine = built.engine;
    const weight = built.params.create("w", [1], (values) => values.fill(2));
    let updates = 0;
    engine.beginStep();
    const perRowLoss = mul(engine.input([4, 1], [1, 2, 3, 4]), weight);
    const reported = built.component.minimize({ forward: (rows) => (assert.equal(rows, null), perRowLoss) }, built.context(engine.input([3, 1])), [{ params: built.params, update: () => updates++ }]);
    assert.equal(reported, (2 * (1 + 2 + 3 + 4)) / 4);
    assert.equal(updates, 1);
    assert.equal(weight.grad![0], (1 + 2 + 3 + 4) / 4);
  });
});
