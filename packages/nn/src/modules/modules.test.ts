import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { concat } from "../ops/shape-ops.js";
import { mean } from "../ops/reduce.js";
import { Conv2d, ConvTranspose2d } from "./conv.js";
import { LayerNorm } from "./layer-norm.js";
import { Linear } from "./linear.js";
import { MLP } from "./mlp.js";
import { ParameterStore } from "./parameter-store.js";

describe("modules", () => {
  it("Linear uses torch's default init: U(±1/√fanIn), seeded and per-name", () => {
    const engine = new Engine(new JsKernels());
    const layer = new Linear(new ParameterStore(engine, "layer"), { inFeatures: 16, outFeatures: 8 }, Rng.fromSeed(3, "init"));
    const bound = 1 / Math.sqrt(16);
    assert.ok(layer.weight.data.every((v) => Math.abs(v) <= bound));
    assert.ok(layer.bias!.data.every((v) => Math.abs(v) <= bound));
    assert.ok(Math.max(...layer.weight.data) > bound * 0.8, "fills the range");
    assert.notDeepEqual(Array.from(layer.weight.data.subarray(0, 8)), Array.from(layer.bias!.data), "weight and bias use different streams");
  });

  it("MLP names its parameters stably and builds the same values from the same seed", () => {
    const engine = new Engine(new JsKernels());
    const build = (): ParameterStore => {
      const params = new ParameterStore(engine, "actor");
      new MLP(params, { inputSize: 4, hiddenSizes: [5, 6], outputSize: 2 }, Rng.fromSeed(0, "init"));
      return params;
    };
    const a = build();
    assert.deepEqual(a.names, ["actor.layers.0.weight", "actor.layers.0.bias", "actor.layers.1.weight", "actor.layers.1.bias", "actor.layers.2.weight", "actor.layers.2.bias"]);
    assert.equal(a.size, 4 * 5 + 5 + 5 * 6 + 6 + 6 * 2 + 2);
    const b = new ParameterStore(new Engine(new JsKernels()), "actor");
    new MLP(b, { inputSize: 4, hiddenSizes: [5, 6], outputSize: 2 }, Rng.fromSeed(0, "init"));
    a.tensors.forEach((tensor, i) => assert.deepEqual(tensor.data, b.tensors[i]!.data));
    assert.throws(() => a.create("layers.0.weight", [1], () => {}), /packed|already exists/);
  });

  it("an actor loss through a critic computes no critic weight gradients (SAC actor step)", () => {
    const engine = new Engine(new JsKernels());
    const rng = Rng.fromSeed(0, "init");
    const actorParams = new ParameterStore(engine, "actor");
    const actor = new MLP(actorParams, { inputSize: 3, hiddenSizes: [8], outputSize: 2 }, rng);
    const criticParams = new ParameterStore(engine, "critic");
    const critic = new MLP(criticParams, { inputSize: 5, hiddenSizes: [8], outputSize: 1 }, rng);
    criticParams.flat().grads.fill(Number.NaN);
    engine.beginStep();
    const state = engine.input([4, 3], Array.from({ length: 12 }, (_, i) => Math.sin(i)));
    const loss = mean(critic.forward(concat([state, actor.forward(state)], -1)));
    engine.backward(loss, actorParams.tensors);
    assert.ok(criticParams.flat().grads.every(Number.isNaN), "critic gradients untouched");
    assert.ok(actorParams.flat().grads.some((g) => g !== 0), "actor gradients computed");
  });

  it("LayerNorm, Conv2d and ConvTranspose2d produce torch's shapes and parameter names", () => {
    const engine = new Engine(new JsKernels());
    const rng = Rng.fromSeed(0, "init");
    const params = new ParameterStore(engine, "encoder");
    const norm = new LayerNorm(params.child("norm"), { features: 6 });
    const conv = new Conv2d(params.child("conv"), { inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2 }, rng);
    const deconv = new ConvTranspose2d(params.child("deconv"), { inChannels: 4, outChannels: 3, kernelSize: 3, stride: 2, outputPadding: 1 }, rng);
    assert.deepEqual(params.names, ["encoder.norm.weight", "encoder.norm.bias", "encoder.conv.weight", "encoder.conv.bias", "encoder.deconv.weight", "encoder.deconv.bias"]);
    assert.deepEqual(deconv.weight.shape, [4, 3, 3, 3]);
    const image = engine.input([2, 3, 9, 9]);
    const features = conv.forward(image);
    assert.deepEqual(features.shape, [2, 4, 4, 4]);
    assert.deepEqual(deconv.forward(features).shape, [2, 3, 10, 10]);
    assert.deepEqual(norm.forward(engine.input([2, 6], [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 1])).shape, [2, 6]);
  });
});
