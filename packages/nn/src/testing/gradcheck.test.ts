import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { TapeNode } from "../autodiff/tape-node.js";
import { assertGradients } from "./gradcheck.js";

/** y = 2x with a backward that (wrongly) multiplies by 3. */
function brokenDouble(node: TapeNode): void {
  const x = node.a!;
  const beta = x.engine.claimGrad(x);
  for (let i = 0; i < x.size; i++) x.grad![i] = (beta === 0 ? 0 : x.grad![i]!) + 3 * node.out.grad![i]!;
}

describe("gradCheck", () => {
  it("fails on a backward that disagrees with the finite differences", () => {
    assert.throws(
      () =>
        assertGradients({
          inputs: [{ shape: [4] }],
          forward: (engine, [x]) => {
            const out = engine.empty(x!.shape);
            for (let i = 0; i < x!.size; i++) out.data[i] = 2 * x!.data[i]!;
            engine.record(brokenDouble, out, x!);
            return out;
          },
          reference: ([x]) => x!.map((v) => 2 * v),
        }),
      /analytic .* vs finite-difference/,
    );
  });

  it("fails on a forward that disagrees with the float64 reference", () => {
    assert.throws(
      () =>
        assertGradients({
          inputs: [{ shape: [4] }],
          forward: (engine, [x]) => engine.input(x!.shape, x!.data),
          reference: ([x]) => x!.map((v) => v + 0.01),
        }),
      /forward differs/,
    );
  });
});
