import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import { softmax } from "./softmax.js";
import { topKGate } from "./top-k-gate.js";

/** Five rows of seven logits, 0.35 apart within each row: no near-ties for the finite differences. */
const rows = 5;
const experts = 7;
const logits = Array.from({ length: rows * experts }, (_, i) => {
  const row = Math.floor(i / experts);
  const rank = (i * 3 + row) % experts; // a different permutation of 0..6 per row
  return 0.35 * rank - 1 + 0.02 * row;
});

/** Float64 reference: the k largest per row (lower index first on ties), softmax over them. */
function referenceTopK(x: Float64Array, k: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: experts }, (_, j) => j).sort((a, b) => x[r * experts + b]! - x[r * experts + a]! || a - b);
    const chosen = order.slice(0, k);
    const largest = x[r * experts + chosen[0]!]!;
    const total = chosen.reduce((acc, j) => acc + Math.exp(x[r * experts + j]! - largest), 0);
    for (const j of chosen) out[r * experts + j] = Math.exp(x[r * experts + j]! - largest) / total;
  }
  return out;
}

describe("topKGate", () => {
  for (const k of [1, 2, 3, experts]) {
    it(`k = ${k}: exactly ${k} non-zeros per row summing to 1; gradient matches finite differences`, () => {
      assertGradients({
        inputs: [{ shape: [rows, experts], values: logits }],
        forward: (_e, [x]) => {
          const weights = topKGate(x!, k);
          for (let r = 0; r < rows; r++) {
            const row = weights.data.subarray(r * experts, (r + 1) * experts);
            assert.equal(row.filter((v) => v !== 0).length, k, `row ${r} non-zeros`);
            assert.ok(Math.abs(row.reduce((a, v) => a + v, 0) - 1) <= 1e-6, `row ${r} sums to 1`);
          }
          return weights;
        },
        reference: ([x]) => referenceTopK(x!, k),
      });
    });
  }

  it("passes exactly zero gradient to unselected logits, even with upstream gradient on them", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([rows, experts], logits, true);
    const weights = topKGate(x, 2);
    const seed = Float32Array.from({ length: rows * experts }, (_, i) => Math.cos(i) + 2);
    engine.backward(weights, [x], { seed });
    let selected = 0;
    for (let i = 0; i < x.size; i++) {
      if (weights.data[i] === 0) assert.ok(Object.is(x.grad![i], 0), `unselected logit ${i} has gradient ${x.grad![i]}`);
      else if (x.grad![i] !== 0) selected++;
    }
    assert.ok(selected > 0, "selected logits do receive gradient");
  });

  it("breaks ties toward the lower index", () => {
    const engine = new Engine(new JsKernels());
    const weights = topKGate(engine.input([2, 4], [1, 3, 3, 3, 0, 0, 0, 0]), 2);
    assert.deepEqual(Array.from(weights.data), [0, 0.5, 0.5, 0, 0.5, 0.5, 0, 0]);
  });

  it("with k = E equals softmax", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([rows, experts], logits);
    assert.deepEqual(topKGate(x, experts).data, softmax(x).data);
  });

  it("rejects k outside [1, E] or not an integer, saying what was given and the allowed range", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([rows, experts]);
    for (const k of [0, -1, experts + 1, 1.5]) {
      assert.throws(() => topKGate(x, k), (error: unknown) => error instanceof ShapeError && error.message.includes(`k must be an integer in [1, ${experts}]`) && error.message.includes(`got ${k}`));
    }
    assert.throws(() => topKGate(engine.input([]), 1), ShapeError);
  });
});
