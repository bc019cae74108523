import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import assert from "node:assert/strict";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { add, addBias, affine, div, maximum, minimum, mul, sub } from "./binary.js";

const pairs = {
  a: [0.3, -1.2, 0.8, 1.5, -0.4, 0.05],
  b: [-0.6, 0.9, 1.1, -0.2, 0.7, -0.9],
};

describe("elementwise binary ops", () => {
  const ops = { add, sub, mul, div, minimum, maximum } as const;
  const references: Record<keyof typeof ops, (u: number, v: number) => number> = {
    add: (u, v) => u + v,
    sub: (u, v) => u - v,
    mul: (u, v) => u * v,
    div: (u, v) => u / v,
    minimum: Math.min,
    maximum: Math.max,
  };
  for (const name of Object.keys(ops) as Array<keyof typeof ops>) {
    it(`${name} matches finite differences for equal shapes`, () => {
      assertGradients({
        inputs: [{ shape: [2, 3], values: pairs.a }, { shape: [2, 3], values: pairs.b }],
        forward: (_e, [a, b]) => ops[name](a!, b!),
        reference: ([a, b]) => a!.map((u, i) => references[name](u, b![i]!)),
      });
    });
    it(`${name} broadcasts a one-element operand and sums its gradient`, () => {
      assertGradients({
        inputs: [{ shape: [2, 3], values: pairs.a }, { shape: [1], values: [0.25] }],
        forward: (_e, [a, b]) => ops[name](a!, b!),
        reference: ([a, b]) => a!.map((u) => references[name](u, b![0]!)),
      });
    });
  }

  it("div broadcasts a one-element numerator and sums its gradient", () => {
    assertGradients({
      inputs: [{ shape: [1], values: [0.7] }, { shape: [2, 3], values: pairs.b }],
      forward: (_e, [a, b]) => div(a!, b!),
      reference: ([a, b]) => b!.map((v) => a![0]! / v),
    });
  });

  it("div rejects shapes that neither match nor broadcast, naming both", () => {
    const engine = new Engine(new JsKernels());
    assert.throws(
      () => div(engine.input([2, 3]), engine.input([3, 2])),
      (error: unknown) => error instanceof ShapeError && /div: shapes \[2, 3\].*and \[3, 2\].*pass equal shapes or a one-element tensor/.test(error.message),
    );
  });

  it("affine matches finite differences", () => {
    assertGradients({
      inputs: [{ shape: [5] }],
      forward: (_e, [x]) => affine(x!, -1.5, 0.25),
      reference: ([x]) => x!.map((v) => -1.5 * v + 0.25),
    });
  });

  it("addBias adds a row vector and sums the bias gradient over rows", () => {
    assertGradients({
      inputs: [{ shape: [4, 3] }, { shape: [3] }],
      forward: (_e, [x, b]) => addBias(x!, b!),
      reference: ([x, b]) => x!.map((v, i) => v + b![i % 3]!),
    });
  });
});
