import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertGradients } from "../testing/gradcheck.js";
import { Engine } from "../autodiff/engine.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { concat } from "./shape-ops.js";
import { squashedGaussianSample } from "./squashed-gaussian.js";

const [batch, actions] = [3, 2];

/** torch_mtsac_update.py's Actor.forward in float64: [actions | logProb] per row. */
function referenceSample(params: Float64Array, noise: Float64Array): Float64Array {
  const out = new Float64Array(batch * (actions + 1));
  for (let i = 0; i < batch; i++) {
    let logProb = 0;
    for (let j = 0; j < actions; j++) {
      const mean = params[i * 2 * actions + j]!;
      const logStd = -20 + 0.5 * (2 - -20) * (Math.tanh(params[i * 2 * actions + actions + j]!) + 1);
      const e = noise[i * actions + j]!;
      const action = Math.tanh(mean + e * Math.exp(logStd));
      out[i * (actions + 1) + j] = action;
      logProb += -0.5 * e * e - logStd - 0.5 * Math.log(2 * Math.PI);
      logProb -= Math.log(Math.max(1 - action * action, 0) + 1e-6);
    }
    out[i * (actions + 1) + actions] = logProb;
  }
  return out;
}

describe("squashedGaussianSample (SAC actor head)", () => {
  // Raw log-stds near 0.8 put std around e^0.1..e^1 so the tanh correction is exercised
  // without saturating the action.
  const params = [0.1, -0.3, 0.9, 0.6, 0.4, 0.2, 0.7, 0.75, -0.5, 0.05, 0.8, 0.65];
  const noise = [0.3, -0.4, 0.1, 0.2, -0.25, 0.15];

  it("action and log-prob (with tanh correction) match float64 finite differences", () => {
    assertGradients(
      {
        inputs: [{ shape: [batch, 2 * actions], values: params }, { shape: [batch, actions], values: noise, grad: false }],
        forward: (_e, [p, n]) => {
          const sample = squashedGaussianSample(p!, n!);
          return concat([sample.action, sample.logProb], -1);
        },
        reference: ([p, n]) => referenceSample(p!, n!),
      },
      { relativeTolerance: 5e-3 },
    );
  });

  it("backpropagates from the log-prob alone (the temperature and entropy terms)", () => {
    assertGradients({
      inputs: [{ shape: [batch, 2 * actions], values: params }, { shape: [batch, actions], values: noise, grad: false }],
      forward: (_e, [p, n]) => squashedGaussianSample(p!, n!).logProb,
      reference: ([p, n]) => referenceSample(p!, n!).filter((_, i) => i % (actions + 1) === actions),
    }, { relativeTolerance: 5e-3 });
  });

  it("keeps the log-std in [−20, 2] for extreme raw values", () => {
    const engine = new Engine(new JsKernels());
    const p = engine.input([1, 2], [0, 50]);
    const n = engine.input([1, 1], [1]);
    const { action, logProb } = squashedGaussianSample(p, n);
    // logStd = 2 → pre = e², action = tanh(e²) ≈ 1 and the correction uses the 1e-6 floor.
    assert.ok(Math.abs(action.item() - Math.tanh(Math.exp(2))) < 1e-6);
    assert.ok(Number.isFinite(logProb.item()));
  });
});
