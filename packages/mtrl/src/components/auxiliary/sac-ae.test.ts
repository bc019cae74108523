import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, Rng } from "@mtrl/core";
import { ParameterStore } from "@mtrl/nn";
import { buildComponent, finiteDifferenceError } from "../testing/component-harness.js";
import { PixelDecoder, autoencoderLoss, reconstructionTarget } from "./sac-ae.js";

const shape = [6, 11, 11] as const;
const inputSize = 6 * 11 * 11;

test("the SAC-AE loss (reconstruction + latent penalty) has the gradients of finite differences in encoder, decoder and both inputs", () => {
  const built = buildComponent("encoder", { type: "pixel", numLayers: 2, numFilters: 3, featureSize: 4 }, { inputSize, taskEncodingSize: 2, rows: 2, observationShape: shape });
  const decoderParams = new ParameterStore(built.engine, "decoder");
  const decoder = new PixelDecoder(decoderParams, 4, shape, 2, 3, Rng.fromSeed(4, "decoder"));
  const context = built.context(built.engine.input([3, 2], new Float32Array(6)));
  // Pixels near 0 keep every /255 input gradient visible at the harness's tolerance; λ = 0.3 makes the latent term count.
  const result = finiteDifferenceError(built.engine, [...built.params.tensors, ...decoderParams.tensors], [[2, inputSize], [2, inputSize]], ([observations, target]) => autoencoderLoss(built.component, decoder, observations!, target!, context, 0.3).loss, { samples: 8 });
  assert.deepEqual(result.outShape, []);
  assert.ok(result.checked > 60 && result.worst < 0.05, `worst relative gradient error ${result.worst.toFixed(4)} over ${result.checked} entries, at ${result.worstAt}`);
});

test("the decoder mirrors the encoder back to the image size: 84×84 with output padding 1, odd sizes without", () => {
  const engine = buildComponent("encoder", { type: "identity" }, { inputSize: 1, taskEncodingSize: 1, rows: 1 }).engine;
  for (const [image, layers, map] of [[[9, 84, 84], 4, 35], [[6, 11, 11], 2, 3], [[3, 16, 17], 2, 5]] as const) {
    const params = new ParameterStore(engine, `decoder${image[1]}x${image[2]}`);
    const decoder = new PixelDecoder(params, 5, image, layers, 2, Rng.fromSeed(1));
    assert.equal(decoder.mapHeight, map);
    engine.beginStep();
    const out = decoder.forward(engine.input([2, 5], new Float32Array(10).fill(0.1)));
    assert.deepEqual(out.shape, [2, image[0] * image[1] * image[2]]);
  }
  assert.throws(() => new PixelDecoder(new ParameterStore(engine, "tiny"), 5, [3, 8, 8], 4, 2, Rng.fromSeed(1)), (error: unknown) => error instanceof ConfigError && /4 layers do not fit 8×8 images/.test(error.message));
});

test("the reconstruction target is the reference's: 5-bit pixels with one bin of uniform noise, centred in [−0.5, 0.5)", () => {
  const pixels = Float32Array.of(0, 7, 8, 255, 128);
  const out = new Float32Array(5);
  const draws = [0, 0.5, 0.25, 0.999, 0];
  reconstructionTarget(pixels, 5, { uniform: () => draws.shift()! }, out);
  const expected = [0 / 32 + 0 - 0.5, 0 / 32 + 0.5 / 32 - 0.5, 1 / 32 + 0.25 / 32 - 0.5, 31 / 32 + 0.999 / 32 - 0.5, 16 / 32 - 0.5];
  out.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) < 1e-6, `pixel ${pixels[i]}: ${value} vs ${expected[i]}`));
});

test("sac-ae without pixels or without the critic's encoder is a ConfigError saying what to use", () => {
  assert.throws(
    () => buildComponent("auxiliary", { type: "sac-ae" }, { inputSize: 5, taskEncodingSize: 2, rows: 1 }),
    (error: unknown) => error instanceof ConfigError && /reconstructs images.*encoder.type=pixel/.test(error.message),
  );
});
