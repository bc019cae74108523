import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "@mtrl/mtenv";
import { fnv1a32 } from "./fnv1a.js";
import { textFeatureVectors } from "./text-features.js";

const TASKS = [
  "Open the drawer by pulling its handle until the drawer is all the way out of its cabinet.",
  "Close the open drawer by pushing it back into its cabinet.",
  "Swing up and balance a pendulum of mass 1.20 kg and length 0.80 m under gravity 9.80 m/s^2.",
  "Swing up and balance a pendulum of mass 0.80 kg and length 1.00 m under gravity 12.00 m/s^2.",
];

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
}

test("fnv1a32 matches the published FNV-1a test vectors", () => {
  assert.equal(fnv1a32(""), 0x811c9dc5);
  assert.equal(fnv1a32("a"), 0xe40c292c);
  assert.equal(fnv1a32("foobar"), 0xbf9cf968);
});

test("the same descriptions give bit-identical vectors on every call", () => {
  const first = textFeatureVectors(TASKS);
  const second = textFeatureVectors([...TASKS]);
  assert.deepEqual(first, second);
});

test("a description's vector does not depend on where it sits in the list", () => {
  const forward = textFeatureVectors(TASKS);
  const backward = textFeatureVectors([...TASKS].reverse());
  assert.deepEqual(forward[0], backward[TASKS.length - 1]);
});

test("each vector has unit L2 norm and the requested dimension (default 256)", () => {
  for (const [vectors, dimension] of [
    [textFeatureVectors(TASKS), 256],
    [textFeatureVectors(TASKS, { dimension: 37 }), 37],
  ] as const) {
    for (const vector of vectors) {
      assert.equal(vector.length, dimension);
      assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-5, `norm ${Math.hypot(...vector)}`);
    }
  }
});

test("different descriptions give different vectors, even when only a number differs", () => {
  const vectors = textFeatureVectors(TASKS);
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) assert.notDeepEqual(vectors[i], vectors[j], `tasks ${i} and ${j}`);
  }
  const [heavy, light] = textFeatureVectors([
    "Swing up a pendulum of mass 1.20 kg.",
    "Swing up a pendulum of mass 1.10 kg.",
  ]);
  assert.ok(cosine(heavy!, light!) < 0.99, `cosine ${cosine(heavy!, light!)}`);
});

test("similar descriptions are closer (cosine) than unrelated ones", () => {
  const [openDrawer, closeDrawer, pendulumA, pendulumB] = textFeatureVectors(TASKS);
  const related = cosine(openDrawer!, closeDrawer!);
  const unrelated = cosine(openDrawer!, pendulumA!);
  assert.ok(related > unrelated + 0.1, `drawer/drawer ${related} vs drawer/pendulum ${unrelated}`);
  assert.ok(cosine(pendulumA!, pendulumB!) > cosine(closeDrawer!, pendulumB!) + 0.1);
});

test("letter case and punctuation do not change a description's vector", () => {
  const [plain, shouted] = textFeatureVectors(["push the block to the goal", "PUSH the Block, to the goal!"]);
  assert.deepEqual(plain, shouted);
});

test("a description without any word gives the zero vector", () => {
  const [empty] = textFeatureVectors(["  ...  ", "push the block"]);
  assert.ok(empty!.every((value) => value === 0));
});

test("a dimension that is not a positive integer is a ConfigError that names it", () => {
  for (const dimension of [0, -4, 2.5, Number.NaN]) {
    assert.throws(() => textFeatureVectors(TASKS, { dimension }), (error: unknown) => error instanceof ConfigError && /dimension must be a positive integer/.test(error.message));
  }
});
