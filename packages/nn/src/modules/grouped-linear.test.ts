import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { groupedLinear } from "../ops/grouped-linear.js";
import { GroupedLinear } from "./grouped-linear.js";
import { ParameterStore } from "./parameter-store.js";

describe("GroupedLinear", () => {
  it("registers weight [G, out, in] and bias [G, out], each group in torch's U(±1/√in)", () => {
    const engine = new Engine(new JsKernels());
    const params = new ParameterStore(engine, "experts");
    const layer = new GroupedLinear(params, { groups: 3, inFeatures: 16, outFeatures: 8 }, Rng.fromSeed(3, "init"));
    assert.deepEqual(params.names, ["experts.weight", "experts.bias"]);
    assert.deepEqual(layer.weight.shape, [3, 8, 16]);
    assert.deepEqual(layer.bias!.shape, [3, 8]);
    const bound = 1 / Math.sqrt(16);
    for (let g = 0; g < 3; g++) {
      const weights = layer.weight.data.subarray(g * 128, (g + 1) * 128);
      assert.ok(weights.every((v) => Math.abs(v) <= bound), `group ${g} weights within the bound`);
      assert.ok(Math.max(...weights.map(Math.abs)) > bound * 0.8, `group ${g} fills the range`);
      assert.ok(layer.bias!.data.subarray(g * 8, (g + 1) * 8).every((v) => Math.abs(v) <= bound), `group ${g} bias within the bound`);
    }
    assert.notDeepEqual(Array.from(layer.weight.data.subarray(0, 128)), Array.from(layer.weight.data.subarray(128, 256)), "groups start different");
  });

  it("forward is groupedLinear with its parameters; bias: false registers no bias", () => {
    const engine = new Engine(new JsKernels());
    const rng = Rng.fromSeed(0, "init");
    const layer = new GroupedLinear(new ParameterStore(engine, "modules"), { groups: 2, inFeatures: 3, outFeatures: 5 }, rng);
    const params = new ParameterStore(engine, "plain");
    const unbiased = new GroupedLinear(params, { groups: 2, inFeatures: 3, outFeatures: 5, bias: false }, rng);
    assert.equal(unbiased.bias, null);
    assert.deepEqual(params.names, ["plain.weight"]);
    engine.beginStep();
    const x = engine.input([4, 3], Array.from({ length: 12 }, (_, i) => Math.sin(i)));
    const y = layer.forward(x, "relu");
    assert.deepEqual(y.shape, [2, 4, 5]);
    assert.deepEqual(y.data, groupedLinear(x, layer.weight, layer.bias, "relu").data);
    assert.deepEqual(unbiased.forward(engine.input([2, 4, 3])).shape, [2, 4, 5]);
  });

  it("rejects non-positive or fractional sizes, naming the option", () => {
    const params = new ParameterStore(new Engine(new JsKernels()), "bad");
    const rng = Rng.fromSeed(0, "init");
    assert.throws(() => new GroupedLinear(params, { groups: 0, inFeatures: 3, outFeatures: 5 }, rng), (e: unknown) => e instanceof ShapeError && /groups must be a positive integer, got 0/.test(e.message));
    assert.throws(() => new GroupedLinear(params, { groups: 2, inFeatures: 2.5, outFeatures: 5 }, rng), /inFeatures must be a positive integer, got 2.5/);
  });
});
