import { test } from "node:test";
import assert from "node:assert/strict";
import { tolerance } from "./tolerance.js";

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

test("tolerance is 1 inside the bounds and 0 outside when the margin is 0", () => {
  assert.equal(tolerance(0.5, { bounds: [0, 1] }), 1);
  assert.equal(tolerance(1, { bounds: [0, 1] }), 1);
  assert.equal(tolerance(1.0001, { bounds: [0, 1] }), 0);
  assert.equal(tolerance(12, { bounds: [10, Infinity] }), 1);
});

test("each sigmoid equals valueAtMargin at exactly one margin outside the bounds", () => {
  for (const sigmoid of ["gaussian", "linear", "quadratic"] as const) {
    close(tolerance(3, { bounds: [0, 1], margin: 2, sigmoid, valueAtMargin: 0.1 }), 0.1, sigmoid);
    close(tolerance(-2, { bounds: [0, 1], margin: 2, sigmoid, valueAtMargin: 0.3 }), 0.3, sigmoid);
  }
});

test("linear and quadratic reach 0 past the margin when valueAtMargin is 0; gaussian stays positive", () => {
  close(tolerance(5, { bounds: [10, Infinity], margin: 10, sigmoid: "linear", valueAtMargin: 0 }), 0.5, "half speed");
  assert.equal(tolerance(-1, { bounds: [10, Infinity], margin: 10, sigmoid: "linear", valueAtMargin: 0 }), 0);
  assert.equal(tolerance(2, { margin: 1, sigmoid: "quadratic", valueAtMargin: 0 }), 0);
  assert.ok(tolerance(20, { margin: 1 }) >= 0);
});

test("tolerance rejects inverted bounds and negative margins", () => {
  assert.throws(() => tolerance(0, { bounds: [1, 0] }), RangeError);
  assert.throws(() => tolerance(0, { margin: -1 }), RangeError);
});
