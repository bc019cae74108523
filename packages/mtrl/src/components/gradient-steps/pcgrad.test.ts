import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/core";
import { JsKernels } from "@mtrl/nn";
import { drawProjectionOrders, projectConflictingGradients, type GradientRows } from "./pcgrad.js";

const kernels = new JsKernels();

/** Task gradients as matrix rows; the first `sharedWidth` columns are shared, the rest task-specific. */
function rowsOf(gradients: number[][], sharedWidth = gradients[0]!.length, active = gradients.map(() => true)): GradientRows {
  const width = gradients[0]!.length;
  return { matrix: Float32Array.from(gradients.flat()), numTasks: gradients.length, width, sharedWidth, active: (task) => active[task]! };
}

function surgery(rows: GradientRows, orders: number[][], combine: "sum" | "mean"): number[] {
  const out = new Float32Array(rows.width);
  projectConflictingGradients(kernels, rows, orders, combine, out);
  return Array.from(out);
}

function assertClose(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-6, `${what}: element ${i} is ${value}, expected ${expected[i]} (all: ${actual.join(", ")})`));
}

describe("PCGrad surgery on hand-computed gradients", () => {
  test("two conflicting tasks: each loses its component along the other", () => {
    // g1 = (1, 0), g2 = (−1, 1): g1·g2 = −1. g1 − (−1/2) g2 = (0.5, 0.5); g2 − (−1/1) g1 = (0, 1).
    const rows = rowsOf([[1, 0], [-1, 1]]);
    assertClose(surgery(rows, [[1], [0]], "sum"), [0.5, 1.5], "sum");
    assertClose(surgery(rows, [[1], [0]], "mean"), [0.25, 0.75], "mean");
  });

  test("orthogonal and aligned gradients come out unchanged", () => {
    assertClose(surgery(rowsOf([[1, 0], [0, 2]]), [[1], [0]], "sum"), [1, 2], "orthogonal");
    assertClose(surgery(rowsOf([[1, 1], [2, 0]]), [[1], [0]], "mean"), [1.5, 0.5], "aligned");
    assertClose(surgery(rowsOf([[1, 2, 3], [2, 4, 6], [0.5, 0, 0]]), [[1, 2], [2, 0], [0, 1]], "sum"), [3.5, 6, 9], "three aligned");
  });

  test("three tasks, projected in the given orders against the original gradients", () => {
    // g1 = (1,0,0) → off g2: (0.5,0.5,0) → off g3: (0.5,0.25,0.25)
    // g2 = (−1,1,0) → off g3: (−1,0.5,0.5) → off g1: (0,0.5,0.5)
    // g3 = (0,−1,1) → g1 orthogonal, unchanged → off g2: (−0.5,−0.5,1)
    const rows = rowsOf([[1, 0, 0], [-1, 1, 0], [0, -1, 1]]);
    assertClose(surgery(rows, [[1, 2], [2, 0], [0, 1]], "sum"), [0, 0.25, 1.75], "sum");
    // Another order gives another result: g1 off g3 first (orthogonal), then off g2.
    assertClose(surgery(rows, [[2, 1], [2, 0], [0, 1]], "sum"), [0, 0.5, 1.5], "other order");
  });

  test("task-specific columns get the plain sum or mean of the task gradients", () => {
    const rows = rowsOf([[1, 0, 5], [-1, 1, 7]], 2);
    assertClose(surgery(rows, [[1], [0]], "mean"), [0.25, 0.75, 6], "mean");
    assertClose(surgery(rows, [[1], [0]], "sum"), [0.5, 1.5, 12], "sum");
  });

  test("a task without rows in the batch is left out of the projections and of the mean", () => {
    const rows = rowsOf([[1, 0], [-1, 1], [0, 0]], 2, [true, true, false]);
    assertClose(surgery(rows, drawProjectionOrders(Rng.fromSeed(1, "order"), rows), "mean"), [0.25, 0.75], "mean over the two active tasks");
  });
});

describe("PCGrad's projection order", () => {
  test("each task gets a shuffle of the other active tasks, the same for the same seed", () => {
    const rows = { numTasks: 5, active: (task: number) => task !== 3 };
    const first = drawProjectionOrders(Rng.fromSeed(7, "order"), rows);
    const again = drawProjectionOrders(Rng.fromSeed(7, "order"), rows);
    assert.deepEqual(first, again);
    first.forEach((order, task) => assert.deepEqual([...order].sort(), [0, 1, 2, 4].filter((other) => other !== task), `order of task ${task}`));
    const rng = Rng.fromSeed(8, "order");
    const draws = Array.from({ length: 20 }, () => JSON.stringify(drawProjectionOrders(rng, rows)));
    assert.ok(new Set(draws).size > 1, "successive draws should shuffle differently");
  });

  test("a saved stream continues with the same orders", () => {
    const rng = Rng.fromSeed(3, "order");
    drawProjectionOrders(rng, { numTasks: 4, active: () => true });
    const resumed = Rng.fromState(JSON.parse(JSON.stringify(rng.getState())));
    assert.deepEqual(drawProjectionOrders(resumed, { numTasks: 4, active: () => true }), drawProjectionOrders(rng, { numTasks: 4, active: () => true }));
  });
});
