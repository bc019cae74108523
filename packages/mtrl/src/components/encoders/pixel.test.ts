import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, Rng } from "@mtrl/core";
import { buildComponent, finiteDifferenceError } from "../testing/component-harness.js";
import { randomShift } from "./pixel.js";

const shape = [6, 11, 11] as const;
const inputSize = 6 * 11 * 11;

test("the pixel encoder maps images to features in (−1, 1) and its gradients match finite differences", () => {
  const built = buildComponent("encoder", { type: "pixel", numLayers: 2, numFilters: 3, featureSize: 5 }, { inputSize, taskEncodingSize: 2, rows: 3, observationShape: shape });
  const encoder = built.component;
  assert.equal(encoder.outputSize, 5);
  // 11×11 → 5×5 (3×3, stride 2) → 3×3: the linear layer reads 3 filters × 9 positions.
  assert.deepEqual(built.params.tensors.map((tensor) => `${tensor.name} [${tensor.shape.join(", ")}]`), [
    "encoder.conv0.weight [3, 6, 3, 3]", "encoder.conv0.bias [3]", "encoder.conv1.weight [3, 3, 3, 3]", "encoder.conv1.bias [3]",
    "encoder.linear.weight [5, 27]", "encoder.linear.bias [5]", "encoder.norm.weight [5]", "encoder.norm.bias [5]",
  ]);
  const result = finiteDifferenceError(built.engine, built.params.tensors, [[3, inputSize], [3, 2]], ([observations, encodings]) => encoder.encode(observations!, built.context(encodings!)), { detachedInputs: [1] });
  assert.deepEqual(result.outShape, [3, 5]);
  assert.ok(result.checked > 0 && result.worst < 0.05, `worst relative gradient error ${result.worst.toFixed(4)} at ${result.worstAt}`);
  built.engine.beginStep();
  const pixels = built.engine.input([3, inputSize], Rng.fromSeed(1).fillUniform(new Float32Array(3 * inputSize), 0, 255));
  const features = encoder.encode(pixels, built.context(built.engine.input([3, 2], new Float32Array(6))));
  assert.ok(features.data.subarray(0, 15).every((value) => Math.abs(value) < 1));
});

test("the reference's 84×84 encoder: 4 layers of 32 filters end in 35×35 maps and 50 features", () => {
  const built = buildComponent("encoder", { type: "pixel" }, { inputSize: 9 * 84 * 84, taskEncodingSize: 2, rows: 1, observationShape: [9, 84, 84] });
  assert.equal(built.component.outputSize, 50);
  assert.deepEqual(built.params.tensors.find((tensor) => tensor.name === "encoder.linear.weight")?.shape, [50, 32 * 35 * 35]);
});

test("the pixel encoder refuses observations that are not images it fits, saying what to use instead", () => {
  assert.throws(() => buildComponent("encoder", { type: "pixel" }, { inputSize: 6, taskEncodingSize: 2, rows: 1 }), (error: unknown) => error instanceof ConfigError && /needs image observations \[channels, height, width\].*fromPixels=true/.test(error.message));
  assert.throws(() => buildComponent("encoder", { type: "pixel", numLayers: 4 }, { inputSize, taskEncodingSize: 2, rows: 1, observationShape: shape }), (error: unknown) => error instanceof ConfigError && /4 convolution layers do not fit 11×11 images/.test(error.message));
});

test("random shift moves all channels of an image together, repeats the border, and follows its seeded stream", () => {
  const [channels, height, width] = [2, 4, 5];
  const image = Float32Array.from({ length: channels * height * width }, (_, i) => i);
  const at = (values: Float32Array, c: number, y: number, x: number): number => values[(c * height + y) * width + x]!;
  const out = new Float32Array(image.length);
  // A stream that always shifts by dy = +1, dx = −2.
  const draws = [1, -2];
  randomShift(image, 1, [channels, height, width], 4, { integers: () => draws.shift()! }, out);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) assert.equal(at(out, c, y, x), at(image, c, Math.min(y + 1, height - 1), Math.max(x - 2, 0)), `(${c}, ${y}, ${x})`);
    }
  }
  const batch = Float32Array.from({ length: 3 * image.length }, (_, i) => i % 97);
  const shifted = (seed: number): Float32Array => {
    const result = new Float32Array(batch.length);
    randomShift(batch, 3, [channels, height, width], 4, Rng.fromSeed(seed), result);
    return result;
  };
  assert.deepEqual(shifted(5), shifted(5));
  assert.notDeepEqual(shifted(5), shifted(6));
});

test("an encoder with random-shift augmentation exposes augment; without, it has none", () => {
  const sizes = { inputSize, taskEncodingSize: 2, rows: 1, observationShape: shape };
  assert.equal(buildComponent("encoder", { type: "pixel", numLayers: 2 }, sizes).component.augment, undefined);
  const augmenting = buildComponent("encoder", { type: "pixel", numLayers: 2, augmentation: { type: "random-shift" } }, sizes).component;
  assert.equal(typeof augmenting.augment, "function");
});
