import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "@mtrl/core/rng";
import { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { relu } from "../ops/unary.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { Conv2d, ConvTranspose2d } from "./conv.js";
import { Linear } from "./linear.js";
import { ParameterStore } from "./parameter-store.js";

/** max |M·Mᵀ − gain²·I| over the `count` vectors of length `length` read by `at(vector, i)`. */
function orthogonalityError(count: number, length: number, at: (vector: number, i: number) => number, gain: number): number {
  let worst = 0;
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += at(a, i) * at(b, i);
      worst = Math.max(worst, Math.abs(dot - (a === b ? gain * gain : 0)));
    }
  }
  return worst;
}

function store(scheme: "uniform" | "orthogonal"): ParameterStore {
  return new ParameterStore(new Engine(new JsKernels()), "net").withInitScheme(scheme);
}

describe("init schemes", () => {
  it("orthogonal Linear: orthonormal rows when wide, orthonormal columns when tall, zero bias, same values per seed", () => {
    for (const [inFeatures, outFeatures] of [[40, 6], [6, 40], [16, 16]] as const) {
      const layer = new Linear(store("orthogonal"), { inFeatures, outFeatures }, Rng.fromSeed(3, "init"));
      const w = layer.weight.data;
      const wide = outFeatures <= inFeatures;
      const error = wide
        ? orthogonalityError(outFeatures, inFeatures, (row, i) => w[row * inFeatures + i]!, 1)
        : orthogonalityError(inFeatures, outFeatures, (column, i) => w[i * inFeatures + column]!, 1);
      assert.ok(error < 1e-5, `${outFeatures}×${inFeatures}: orthogonality error ${error}`);
      assert.ok(layer.bias!.data.every((value) => value === 0));
      const again = new Linear(store("orthogonal"), { inFeatures, outFeatures }, Rng.fromSeed(3, "init"));
      assert.deepEqual([...again.weight.data], [...w]);
    }
  });

  it("delta-orthogonal convolutions: only the centre tap, an orthogonal [dim0, dim1] matrix times √2; transposed convolutions on [in, out]", () => {
    const conv = new Conv2d(store("orthogonal").child("c"), { inChannels: 9, outChannels: 32, kernelSize: 3 }, Rng.fromSeed(1, "init"));
    const w = conv.weight.data;
    const centre = 4;
    for (let i = 0; i < w.length; i++) if (i % 9 !== centre) assert.equal(w[i], 0, `tap ${i % 9} of weight ${i}`);
    // [out = 32, in = 9] is tall: its 9 columns are orthogonal with norm √2.
    const error = orthogonalityError(9, 32, (column, out) => w[(out * 9 + column) * 9 + centre]!, Math.SQRT2);
    assert.ok(error < 1e-5, `conv orthogonality error ${error}`);
    assert.ok(conv.bias!.data.every((value) => value === 0));
    const deconv = new ConvTranspose2d(store("orthogonal").child("d"), { inChannels: 32, outChannels: 32, kernelSize: 3, stride: 2 }, Rng.fromSeed(1, "init"));
    const d = deconv.weight.data;
    const squareError = orthogonalityError(32, 32, (row, column) => d[(row * 32 + column) * 9 + centre]!, Math.SQRT2);
    assert.ok(squareError < 1e-5, `deconv orthogonality error ${squareError}`);
  });

  it("keeps the signal of a conv stack where the uniform default shrinks it", () => {
    const outputVariance = (scheme: "uniform" | "orthogonal"): number => {
      const params = store(scheme);
      const engine = params.engine;
      const convs = [0, 1, 2, 3].map((layer) => new Conv2d(params.child(`conv${layer}`), { inChannels: layer === 0 ? 3 : 16, outChannels: 16, kernelSize: 3 }, Rng.fromSeed(5, "init")));
      engine.beginStep();
      let x = engine.input([2, 3, 24, 24], Rng.fromSeed(6, "x").fillNormal(new Float32Array(2 * 3 * 24 * 24)));
      for (const conv of convs) x = relu(conv.forward(x));
      let sum = 0;
      for (const value of x.data) sum += value * value;
      return sum / x.size;
    };
    const orthogonal = outputVariance("orthogonal");
    const uniform = outputVariance("uniform");
    assert.ok(orthogonal > 20 * uniform, `orthogonal ${orthogonal} vs uniform ${uniform}`);
  });

  it("the scheme is set before any layer exists, and odd square kernels only", () => {
    const params = store("uniform");
    new Linear(params, { inFeatures: 2, outFeatures: 2 }, Rng.fromSeed(1, "init"));
    assert.throws(() => params.withInitScheme("orthogonal"), (error: unknown) => error instanceof ShapeError && /already has parameters \(net\.weight/.test(error.message));
    assert.throws(
      () => new Conv2d(store("orthogonal"), { inChannels: 1, outChannels: 2, kernelSize: 2 }, Rng.fromSeed(1, "init")),
      (error: unknown) => error instanceof ShapeError && /centre tap of a square, odd kernel; got 2×2/.test(error.message),
    );
  });
});
