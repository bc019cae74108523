import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@mtrl/mtenv";
import type { Tensor } from "@mtrl/nn";
import type { MixtureEncoder } from "./encoders/mixture.js";
import { clustersFromDescriptions } from "./encoders/mixture-routing.js";
import { buildComponent } from "./testing/component-harness.js";

const rows = 9;
const numExperts = 4;

function routingWeights(routing: string, extra: Record<string, unknown> = {}): { weights: number[][]; taskIndices: Int32Array } {
  const built = buildComponent("encoder", { type: "moe", numExperts, routing, ...extra }, { inputSize: 5, taskEncodingSize: 6, rows });
  built.engine.beginStep();
  const encoding = built.engine.input([built.numTasks, 6], Float32Array.from({ length: built.numTasks * 6 }, (_, i) => Math.sin(i)));
  const weights = (built.component as MixtureEncoder).routingWeights(built.context(encoding));
  assert.deepEqual(weights.shape, [rows, numExperts]);
  return { weights: Array.from({ length: rows }, (_, r) => Array.from(weights.data.subarray(r * numExperts, (r + 1) * numExperts))), taskIndices: built.taskIndices };
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe("mixture routing", () => {
  test("identity sends task i to expert i only", () => {
    const { weights, taskIndices } = routingWeights("identity");
    weights.forEach((row, r) => assert.deepEqual(row, Array.from({ length: numExperts }, (_, e) => (e === taskIndices[r] ? 1 : 0))));
  });

  test("identity needs an expert per task", () => {
    assert.throws(() => buildComponent("encoder", { type: "moe", numExperts: 2, routing: "identity" }, { inputSize: 5, taskEncodingSize: 6, rows }), (error) => error instanceof ConfigError && /numExperts >= 3/.test(error.message));
  });

  test("ensemble averages all experts", () => {
    for (const row of routingWeights("ensemble").weights) assert.deepEqual(row, new Array(numExperts).fill(1 / numExperts));
  });

  test("cluster follows its table, and derives one from the descriptions' first words", () => {
    const { weights, taskIndices } = routingWeights("cluster", { clusters: [3, 1, 3] });
    const table = [3, 1, 3];
    weights.forEach((row, r) => assert.deepEqual(row, Array.from({ length: numExperts }, (_, e) => (e === table[taskIndices[r]!] ? 1 : 0))));
    assert.deepEqual(clustersFromDescriptions(["Open the door.", "Close the drawer.", "Open the window.", "Press a button."], ["a", "b", "c", "d"], 3), [0, 1, 0, 2]);
    assert.throws(() => clustersFromDescriptions(["Open the door.", "Close the drawer.", "Press a button."], ["a", "b", "c"], 2), /3 groups \(0: open \(a\); 1: close \(b\); 2: press \(c\)\) but there are 2 experts/);
    assert.throws(() => clustersFromDescriptions(["Swing up.", "Swing up faster."], ["a", "b"], 2), /every task description starts with "swing"/);
    assert.throws(() => routingWeights("cluster", { clusters: [0, 9, 0] }), /one expert in \[0, 3\] per task/);
  });

  test("gate uses exactly k experts per row, with weights summing to 1", () => {
    for (const k of [1, 2, 3]) {
      for (const row of routingWeights("gate", { topK: k }).weights) {
        assert.equal(row.filter((w) => w > 0).length, k);
        assert.ok(Math.abs(sum(row) - 1) < 1e-6);
      }
    }
  });

  test("attention weights are positive and sum to 1, and depend on the task", () => {
    const { weights, taskIndices } = routingWeights("attention");
    for (const row of weights) {
      assert.ok(row.every((w) => w > 0));
      assert.ok(Math.abs(sum(row) - 1) < 1e-6);
    }
    assert.notDeepEqual(weights[0], weights[1], `tasks ${taskIndices[0]} and ${taskIndices[1]} should route differently`);
  });
});

describe("multi-head", () => {
  test("changing head j's weights changes only task j's outputs", () => {
    const built = buildComponent("head", "multi-head", { inputSize: 5, outputSize: 2, taskEncodingSize: 1, rows });
    const forward = (): number[] => {
      built.engine.beginStep();
      const hidden = built.engine.input([rows, 5], Float32Array.from({ length: rows * 5 }, (_, i) => Math.cos(i)));
      return (built.component.forward(hidden, built.context(built.engine.input([built.numTasks, 1]))) as Tensor).toArray();
    };
    const before = forward();
    const weight = built.params.get("head.weight");
    const head = 1;
    // Head j owns output columns j·2 .. j·2+1 of the batched layer.
    for (let column = head * 2; column < head * 2 + 2; column++) for (let input = 0; input < 5; input++) weight.data[column * 5 + input]! += 0.5;
    const after = forward();
    for (let r = 0; r < rows; r++) {
      const changed = before[2 * r] !== after[2 * r] || before[2 * r + 1] !== after[2 * r + 1];
      assert.equal(changed, built.taskIndices[r] === head, `row ${r} (task ${built.taskIndices[r]})`);
    }
  });
});

describe("metadata task encoder files", () => {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-metadata-"));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  const build = (file: string, fileWidth = 3) => buildComponent("taskEncoder", { type: "metadata", file, fileWidth }, { inputSize: 0, taskEncodingSize: 0, rows });

  test("a file with every task, of the expected width, is used", () => {
    const path = join(dir, "good.json");
    writeFileSync(path, JSON.stringify({ "reach-v1": [1, 0, 0], "push-v1": [0, 1, 0], "open-door-v1": [0, 0, 1], "unused-v1": [1, 1, 1] }));
    assert.equal(build(path).component.outputSize, 50);
  });

  test("a missing task is an error naming the file and the task", () => {
    const path = join(dir, "missing.json");
    writeFileSync(path, JSON.stringify({ reach: [1, 0, 0], push: [0, 1, 0] }));
    assert.throws(() => build(path), (error) => error instanceof ConfigError && error.message.includes(path) && error.message.includes("open-door"));
  });

  test("a wrong width is an error naming the file, the task and the expected width", () => {
    const path = join(dir, "wide.json");
    writeFileSync(path, JSON.stringify({ reach: [1, 0, 0, 0], push: [0, 1, 0, 0], "open-door": [0, 0, 1, 0] }));
    assert.throws(() => build(path, 3), (error) => error instanceof ConfigError && error.message.includes(path) && /reach/.test(error.message) && /\b3\b/.test(error.message) && /\b4\b/.test(error.message));
  });

  test("without a file, an env that describes no task is an error that says what to do", () => {
    assert.throws(
      () => buildComponent("taskEncoder", { type: "metadata" }, { inputSize: 0, taskEncodingSize: 0, rows }, { names: ["a", "b"], descriptions: ["", ""] }),
      (error) => error instanceof ConfigError && /agent\.taskEncoder\.file=/.test(error.message),
    );
  });
});
