import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/core";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { Adam } from "../optim/adam.js";
import { polyakUpdate } from "../optim/polyak.js";
import { linear } from "../ops/linear.js";
import { sum } from "../ops/reduce.js";
import { Linear } from "./linear.js";
import { ParameterStore } from "./parameter-store.js";

function twoPartModel(engine: Engine, name: string): { params: ParameterStore; encoder: Linear; q: Linear } {
  const params = new ParameterStore(engine, name);
  const rng = Rng.fromSeed(1, "init");
  const encoder = new Linear(params.child("encoder"), { inFeatures: 3, outFeatures: 4 }, rng);
  const q = new Linear(params.child("q").child("layers.0"), { inFeatures: 4, outFeatures: 2 }, rng);
  return { params, encoder, q };
}

describe("parameter groups", () => {
  test("a child owns exactly the parameters created through it (and its descendants)", () => {
    const { params } = twoPartModel(new Engine(new JsKernels()), "critic");
    assert.deepEqual(params.child("encoder").names, ["critic.encoder.weight", "critic.encoder.bias"]);
    assert.deepEqual(params.child("q").names, ["critic.q.layers.0.weight", "critic.q.layers.0.bias"]);
    assert.equal(params.names.length, 4);
    assert.equal(params.child("encoder").size, 16);
    assert.throws(() => params.child("encoder").get("critic.q.layers.0.weight"), /no parameter named "critic\.q\.layers\.0\.weight"/);
  });

  test("Adam over a child moves only that child", () => {
    const engine = new Engine(new JsKernels());
    const { params, encoder, q } = twoPartModel(engine, "critic");
    const optimizer = new Adam(params.child("encoder"), { lr: 0.1 });
    engine.beginStep();
    const x = engine.input([2, 3], [1, 2, 3, -1, 0, 1]);
    const loss = sum(q.forward(encoder.forward(x, "relu")));
    engine.backward(loss, params.tensors);
    const qBefore = params.child("q").flat().values.slice();
    const encoderBefore = params.child("encoder").flat().values.slice();
    optimizer.update();
    assert.deepEqual(params.child("q").flat().values, qBefore, "the q layer must not move");
    assert.notDeepEqual(params.child("encoder").flat().values, encoderBefore, "the encoder must move");
  });

  test("Polyak over child groups averages only those groups, each with its own τ", () => {
    const engine = new Engine(new JsKernels());
    const online = twoPartModel(engine, "critic").params;
    const target = twoPartModel(engine, "criticTarget").params;
    online.flat().values.fill(1);
    target.flat().values.fill(0);
    polyakUpdate(target.child("encoder"), online.child("encoder"), 0.5);
    polyakUpdate(target.child("q"), online.child("q"), 0.25);
    assert.ok(target.child("encoder").flat().values.every((v) => v === 0.5));
    assert.ok(target.child("q").flat().values.every((v) => v === 0.25));
  });

  test("interleaved creation still packs every group contiguously (tree order)", () => {
    const engine = new Engine(new JsKernels());
    const root = new ParameterStore(engine, "net");
    const a = root.child("a");
    const b = root.child("b");
    a.create("x", [2], (v) => v.fill(1));
    b.create("y", [3], (v) => v.fill(2));
    a.create("z", [1], (v) => v.fill(3));
    assert.deepEqual(root.names, ["net.a.x", "net.a.z", "net.b.y"]);
    assert.deepEqual(Array.from(a.flat().values), [1, 1, 3]);
    assert.deepEqual(Array.from(b.flat().values), [2, 2, 2]);
    assert.equal(root.child("a"), a, "the same name gives the same group");
    assert.throws(() => a.create("late", [1], () => {}), /after flat\(\) packed/);
  });

  test("gradients of a child are the slice of the root's", () => {
    const engine = new Engine(new JsKernels());
    const { params, encoder } = twoPartModel(engine, "critic");
    engine.beginStep();
    const x = engine.input([1, 3], [1, 2, 3]);
    engine.backward(sum(linear(x, encoder.weight, encoder.bias)), params.child("encoder").tensors);
    assert.deepEqual(Array.from(params.child("encoder").flat().grads.subarray(0, 3)), [1, 2, 3]);
  });
});
