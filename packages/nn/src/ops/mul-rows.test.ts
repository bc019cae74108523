import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import { mulRows } from "./mul-rows.js";

describe("mulRows", () => {
  for (const factorShape of [[5], [5, 1]]) {
    it(`scales each row of x [5, 3] by s ${JSON.stringify(factorShape)}; gradients to both`, () => {
      assertGradients({
        inputs: [{ shape: [5, 3] }, { shape: factorShape }],
        forward: (_e, [x, s]) => mulRows(x!, s!),
        reference: ([x, s]) => x!.map((v, i) => v * s![Math.floor(i / 3)]!),
      });
    });
  }

  it("scales whole rows of a rank-3 x and keeps its shape", () => {
    assertGradients({
      inputs: [{ shape: [3, 2, 5] }, { shape: [3] }],
      forward: (_e, [x, s]) => {
        const out = mulRows(x!, s!);
        assert.deepEqual(out.shape, [3, 2, 5]);
        return out;
      },
      reference: ([x, s]) => x!.map((v, i) => v * s![Math.floor(i / 10)]!),
    });
  });

  it("rejects factors that are not one per row, naming both shapes", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.input([5, 3]);
    for (const shape of [[3], [5, 3], [1], [5, 1, 1]]) {
      assert.throws(
        () => mulRows(x, engine.input(shape)),
        (error: unknown) => error instanceof ShapeError && error.message.includes("s must be [5] or [5, 1]") && error.message.includes(`got tensor[${shape.join(", ")}]`),
      );
    }
    assert.throws(() => mulRows(engine.input([]), engine.input([1])), ShapeError);
  });
});
