import { test } from "node:test";
import assert from "node:assert/strict";
import { Box, ConfigError, Discrete } from "@mtrl/mtenv";
import { imageShapeOf, replayLayoutFor } from "./replay-layout.js";

const pixels = new Box(0, 255, { shape: [9, 8, 6], dtype: "uint8" });
const floatPixels = new Box(0, 255, { shape: [9, 8, 6] });
const state = new Box(-Infinity, Infinity, { shape: [5] });

test("auto keeps stacked uint8 RGB frames one frame per transition and everything else flat", () => {
  assert.deepEqual(replayLayoutFor(pixels, "auto", "pixels"), { type: "frame-stack", frames: 3, frameSize: 3 * 8 * 6 });
  assert.deepEqual(replayLayoutFor(floatPixels, "auto", "float pixels"), { type: "flat" });
  assert.deepEqual(replayLayoutFor(state, "auto", "state"), { type: "flat" });
  assert.deepEqual(replayLayoutFor(pixels, "flat", "pixels"), { type: "flat" });
  assert.deepEqual(replayLayoutFor(new Box(0, 255, { shape: [4, 8, 6], dtype: "uint8" }), "auto", "four channels"), { type: "flat" });
});

test("frame-stack on observations that are not stacked RGB bytes is a ConfigError naming the env and the way out", () => {
  for (const space of [state, floatPixels, new Discrete(3)]) {
    assert.throws(() => replayLayoutFor(space, "frame-stack", "MT-Pendulum-v0"), (error: unknown) => error instanceof ConfigError && /frame-stack needs pixel observations .* MT-Pendulum-v0 observes .*observations=auto or flat/.test(error.message));
  }
});

test("image encoders get the shape of rank-3 observations only", () => {
  assert.deepEqual(imageShapeOf(pixels), [9, 8, 6]);
  assert.equal(imageShapeOf(state), undefined);
});
