import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { ParameterStore } from "../modules/parameter-store.js";
import { polyakUpdate } from "./polyak.js";

describe("polyakUpdate", () => {
  const engine = new Engine(new JsKernels());
  const make = (name: string, values: number[]): ParameterStore => {
    const params = new ParameterStore(engine, name);
    params.child("layer").create("w", [2], (data) => data.set(values));
    return params;
  };

  it("moves the target a fraction tau toward the source, and tau = 1 copies", () => {
    const source = make("critic", [1, 2]);
    const target = make("criticTarget", [0, 0]);
    polyakUpdate(target, source, 0.25);
    assert.deepEqual(Array.from(target.tensors[0]!.data), [0.25, 0.5]);
    polyakUpdate(target, source, 1);
    assert.deepEqual(Array.from(target.tensors[0]!.data), [1, 2]);
  });

  it("refuses stores of different architectures", () => {
    const source = make("a", [1, 2]);
    const target = new ParameterStore(engine, "b");
    target.child("layer").create("w", [3], () => {});
    assert.throws(() => polyakUpdate(target, source, 0.5), /same architecture/);
  });
});
