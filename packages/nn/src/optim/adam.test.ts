import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "@mtrl/core/errors";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { ParameterStore } from "../modules/parameter-store.js";
import { Adam } from "./adam.js";

function store(values: number[]): ParameterStore {
  const params = new ParameterStore(new Engine(new JsKernels()), "p");
  params.create("w", [values.length], (data) => data.set(values));
  return params;
}

/** torch.optim.Adam's update in float64 (L2 weight decay added to the gradient). */
function referenceAdam(param: number[], grads: number[][], lr: number, beta1: number, beta2: number, eps: number, decay: number): number[] {
  const p = [...param];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((grad, t) => {
    const step = t + 1;
    for (let i = 0; i < p.length; i++) {
      const g = grad[i]! + decay * p[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      const mHat = m[i]! / (1 - beta1 ** step);
      const vHat = v[i]! / (1 - beta2 ** step);
      p[i] = p[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return p;
}

describe("Adam", () => {
  const grads = [[0.5, -1, 2], [0.1, 0.3, -0.2], [-0.4, 0.8, 0.05]];

  it("matches torch.optim.Adam's formula (float64 reference) with weight decay", () => {
    const params = store([1, -2, 0.5]);
    const adam = new Adam(params, { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1 });
    for (const grad of grads) {
      params.tensors[0]!.grad!.set(grad);
      adam.update();
    }
    const expected = referenceAdam([1, -2, 0.5], grads, 0.01, 0.8, 0.95, 1e-6, 0.1);
    params.tensors[0]!.data.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-6, `${value} vs ${expected[i]}`));
    assert.equal(adam.step, 3);
  });

  it("resumes exactly from a saved state", () => {
    const run = (restoreAfter: number | null): Float32Array => {
      let params = store([1, -2, 0.5]);
      let adam = new Adam(params, { lr: 0.01 });
      for (let t = 0; t < grads.length; t++) {
        if (t === restoreAfter) {
          const state = adam.getState();
          const values = params.tensors[0]!.data.slice();
          params = store(Array.from(values));
          adam = new Adam(params, { lr: 0.5 });
          adam.setState(state);
        }
        params.tensors[0]!.grad!.set(grads[t]!);
        adam.update();
      }
      return params.tensors[0]!.data;
    };
    assert.deepEqual(run(2), run(null));
  });

  it("rejects bad hyper-parameters and a state for another model", () => {
    assert.throws(() => new Adam(store([1]), { lr: 0.1, beta1: 1 }), (error: unknown) => error instanceof ConfigError && /beta1 must be in \[0, 1\), got 1/.test(error.message));
    const state = new Adam(store([1, 2]), { lr: 0.1 }).getState();
    assert.throws(() => new Adam(store([1]), { lr: 0.1 }).setState(state), /expected moments of 1 values, got 2/);
  });
});
