import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { IndexError } from "../errors.js";
import { gatherPerRow, indexSelect, scatterAdd } from "./index-ops.js";

const tasks = Int32Array.of(2, 0, 2, 1, 2);

describe("index ops (per-task routing)", () => {
  it("indexSelect picks table rows by task and scatter-adds the gradient (per-task α)", () => {
    assertGradients({
      inputs: [{ shape: [3, 2] }],
      forward: (_e, [table]) => indexSelect(table!, tasks),
      reference: ([table]) => Float64Array.from(Array.from(tasks).flatMap((t) => [table![t * 2]!, table![t * 2 + 1]!])),
    });
  });

  it("scatterAdd sums rows per task (per-task losses) and gathers the gradient", () => {
    assertGradients({
      inputs: [{ shape: [5, 2] }],
      forward: (_e, [values]) => scatterAdd(values!, tasks, 4),
      reference: ([values]) => {
        const out = new Float64Array(8);
        tasks.forEach((t, n) => {
          out[t * 2]! += values![n * 2]!;
          out[t * 2 + 1]! += values![n * 2 + 1]!;
        });
        return out;
      },
    });
  });

  it("gatherPerRow picks each sample's head from [N, heads, D]", () => {
    assertGradients({
      inputs: [{ shape: [5, 3, 2] }],
      forward: (_e, [x]) => gatherPerRow(x!, tasks),
      reference: ([x]) => Float64Array.from(Array.from(tasks).flatMap((t, n) => [x![(n * 3 + t) * 2]!, x![(n * 3 + t) * 2 + 1]!])),
    });
  });

  it("rejects a task index outside the table with IndexError naming the index", () => {
    const engine = new Engine(new JsKernels());
    const table = engine.input([3, 2]);
    assert.throws(() => indexSelect(table, Int32Array.of(0, 3)), (error: unknown) => error instanceof IndexError && /index\[1\] = 3 is outside \[0, 3\)/.test(error.message));
  });
});
