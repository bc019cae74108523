import assert from "node:assert/strict";
import { test } from "node:test";
import { Box } from "../spaces/box.js";
import { DictSpace } from "../spaces/dict.js";
import { Discrete } from "../spaces/discrete.js";
import { spaceFromJSON } from "../spaces/from-json.js";
import { MultiBinary } from "../spaces/multi-binary.js";
import { BatchedSpace, flatBounds } from "./batched-space.js";

test("a batched Discrete space samples integer rows inside the single space", () => {
  const space = new BatchedSpace(new Discrete(3, 1), 50);
  const sample = space.sample();
  assert.equal(sample.length, 50);
  assert.ok(sample.every((x) => Number.isInteger(x) && x >= 1 && x <= 3));
  assert.ok(space.contains(sample));
  assert.equal(new Set(sample).size, 3, "every value of Discrete(3, 1) appears in 50 draws");
});

test("contains names the offending row and rejects wrong lengths and non-integers", () => {
  const space = new BatchedSpace(new Discrete(2), 3);
  assert.equal(space.contains(Float32Array.of(0, 1, 1)), true);
  assert.match(space.explainMismatch(Float32Array.of(0, 1.5, 1)) ?? "", /^row 1: /);
  assert.match(space.explainMismatch(new Float32Array(4)) ?? "", /3 rows × 1 = 3 elements, got 4/);
  assert.match(space.explainMismatch([0, 1, 1]) ?? "", /expected a Float32Array/);
});

test("seeding the batch gives reproducible samples and leaves the single space's stream alone", () => {
  const single = new Box(-1, 1, { shape: [2] });
  const untouched = new Box(-1, 1, { shape: [2] });
  const a = new BatchedSpace(single, 4);
  const b = new BatchedSpace(new Box(-1, 1, { shape: [2] }), 4);
  a.seed(9);
  b.seed(9);
  assert.deepEqual(a.sample(), b.sample());
  assert.deepEqual(single.sample(), untouched.sample());
  const rows = a.sample();
  assert.notDeepEqual(rows.subarray(0, 2), rows.subarray(2, 4), "rows use independent streams");
});

test("flat bounds follow the flatten layout of Dict, Discrete, MultiBinary and Box", () => {
  const space = new DictSpace({ a: new Discrete(4, 2), b: new MultiBinary(2), c: new Box([-1, -2], [1, 2]) });
  const { low, high } = flatBounds(space);
  assert.deepEqual(Array.from(low), [2, 0, 0, -1, -2]);
  assert.deepEqual(Array.from(high), [5, 1, 1, 1, 2]);
});

test("the JSON form is the equivalent flat Box, and equals compares single space and count", () => {
  const space = new BatchedSpace(new Box(-1, Infinity, { shape: [2] }), 3);
  const box = spaceFromJSON(space.toJSON());
  assert.ok(box instanceof Box);
  assert.deepEqual(box.shape, [3, 2]);
  assert.equal(box.high[5], Infinity);
  assert.ok(space.equals(new BatchedSpace(new Box(-1, Infinity, { shape: [2] }), 3)));
  assert.ok(!space.equals(new BatchedSpace(new Box(-1, Infinity, { shape: [2] }), 2)));
});
