import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { assertGradients } from "../testing/gradcheck.js";
import { affine } from "./binary.js";
import { sum } from "./reduce.js";
import { clamp, elu, exp, log, relu, reluInPlace, sigmoid, softplus, tanh } from "./unary.js";
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

describe("reluInPlace and gradient buffers taken over in place", () => {
  const values = [-1.3, 0.4, -0.2, 0.9, 1.6, -2.1, 0.15, -0.7];

  it("reluInPlace (over an op's output) matches float64 finite differences", () => {
    assertGradients({
      inputs: [{ shape: [2, 4], values }],
      forward: (_e, [x]) => reluInPlace(affine(x!, 1.5, 0.1)),
      reference: ([x]) => x!.map((v) => Math.max(1.5 * v + 0.1, 0)),
    });
  });

  it("overwrites its input with relu's bits and refuses a persistent tensor", () => {
    const engine = new Engine(new JsKernels());
    engine.beginStep();
    const x = engine.input([2, 4], Float32Array.from(values));
    const expected = relu(x).data.slice();
    const y = reluInPlace(x);
    assert.equal(y.data, x.data, "the result shares the input's memory");
    assert.deepEqual([...x.data], [...expected]);
    const parameter = engine.persistent([2, 4], "w", true);
    assert.throws(() => reluInPlace(parameter), (error: unknown) => error instanceof ShapeError && /persistent .* Use relu\(x\)/.test(error.message));
  });

  it("an input's gradient takes over the output's buffer only when nobody asked for the output's gradient", () => {
    const engine = new Engine(new JsKernels());
    const x = engine.persistent([2, 4], "x", true);
    x.data.set(values);
    const run = (askForHidden: boolean): { x: number[]; relu: number[] | null; shared: boolean } => {
      engine.beginStep();
      const hidden = affine(x, 2);
      const activated = relu(hidden);
      engine.backward(sum(affine(activated, 3)), askForHidden ? [x, activated] : [x]);
      return { x: [...x.grad!], relu: askForHidden ? [...activated.grad!] : null, shared: hidden.grad === activated.grad };
    };
    const internal = run(false);
    assert.ok(internal.shared, "relu's input gradient should reuse its output gradient's buffer");
    const asked = run(true);
    assert.ok(!asked.shared, "a gradient that was asked for must keep its own buffer");
    assert.deepEqual(asked.relu, Array(8).fill(3), "d loss / d relu output, not overwritten by relu's backward");
    const expected = values.map((v) => (v > 0 ? 6 : 0));
    assert.deepEqual(internal.x, expected);
    assert.deepEqual(asked.x, expected);
  });

  it("saves one activation per layer in the forward pass and one gradient per ReLU in the backward", () => {
    const size = 4096;
    const highWater = (activation: (t: Tensor) => Tensor, aliasGradients: boolean): number => {
      const engine = new Engine(new JsKernels(), { blockFloats: 1 << 20 });
      if (!aliasGradients) engine.claimGradInPlace = (x) => engine.claimGrad(x);
      const w = engine.persistent([1, size], "w", true);
      w.data.fill(0.5);
      engine.beginStep();
      const hidden = activation(affine(w, 2, -0.5));
      engine.backward(sum(activation(affine(hidden, 1, -0.25))), [w]);
      return engine.arena.stats().transientHighWater;
    };
    const plain = highWater(relu, false);
    assert.equal(plain - highWater(relu, true), 2 * size, "two ReLU input gradients reuse their output gradients");
    assert.equal(plain - highWater(reluInPlace, true), 4 * size, "and two ReLU outputs are their inputs' buffers");
  });
});
