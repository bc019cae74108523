import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { clamp, elu, exp, log, relu, sigmoid, softplus, tanh } from "./unary.js";
import type { Tensor } from "../tensor/tensor.js";

/** Inputs kept away from kinks (relu at 0, clamp bounds) so finite differences are valid. */
const awayFromKinks = [-1.3, -0.7, -0.2, 0.15, 0.4, 0.9, 1.6, -2.1];
const positive = [0.2, 0.5, 0.9, 1.3, 2.2, 3.1, 0.7, 1.9];

const cases: Array<[string, (x: Tensor) => Tensor, (v: number) => number, number[]]> = [
  ["relu", relu, (v) => Math.max(v, 0), awayFromKinks],
  ["tanh", tanh, Math.tanh, awayFromKinks],
  ["sigmoid", sigmoid, (v) => 1 / (1 + Math.exp(-v)), awayFromKinks],
  ["elu", elu, (v) => (v > 0 ? v : Math.exp(v) - 1), awayFromKinks],
  ["exp", exp, Math.exp, awayFromKinks],
  ["log", log, Math.log, positive],
  ["softplus", softplus, (v) => Math.log(1 + Math.exp(v)), [...awayFromKinks, 25, -25]],
  ["clamp", (x) => clamp(x, -0.5, 1), (v) => Math.min(Math.max(v, -0.5), 1), awayFromKinks],
];

describe("elementwise unary ops", () => {
  for (const [name, op, reference, values] of cases) {
    it(`${name} matches float64 finite differences`, () => {
      assertGradients({
        inputs: [{ shape: [2, values.length / 2], values }],
        forward: (_e, [x]) => op(x!),
        reference: ([x]) => x!.map(reference),
      });
    });
  }
});
