import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "./rng.js";
import { SeedError } from "./errors.js";

test("same seed and stream name give the same draws; different names differ", () => {
  const a = Rng.fromSeed(7, "env");
  const b = Rng.fromSeed(7, "env");
  const c = Rng.fromSeed(7, "task");
  const drawsA = [a.uniform(), a.normal(), a.integers(0, 10)];
  assert.deepEqual([b.uniform(), b.normal(), b.integers(0, 10)], drawsA);
  assert.notEqual(c.uniform(), drawsA[0]);
});

test("child streams do not consume the parent's draws", () => {
  const parent = Rng.fromSeed(1);
  const reference = Rng.fromSeed(1);
  parent.stream("child").uniform();
  assert.equal(parent.uniform(), reference.uniform());
});

test("state round trip continues the exact stream", () => {
  const rng = Rng.fromSeed(3);
  rng.uniform();
  const saved = rng.getState();
  const expected = [rng.uniform(), rng.normal(), rng.integers(-5, 5)];
  const restored = Rng.fromState(JSON.parse(JSON.stringify(saved)));
  assert.deepEqual([restored.uniform(), restored.normal(), restored.integers(-5, 5)], expected);
});

test("integers respects [low, high) and covers every value", () => {
  const rng = Rng.fromSeed(11);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const value = rng.integers(-2, 3);
    assert.ok(value >= -2 && value < 3);
    seen.add(value);
  }
  assert.equal(seen.size, 5);
});

test("normal draws have roughly zero mean and unit variance", () => {
  const rng = Rng.fromSeed(5);
  const values = rng.fillNormal(new Float64Array(20000));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
});

test("invalid seeds are rejected with a SeedError that names the value", () => {
  assert.throws(() => Rng.fromSeed(-1), (error: unknown) => error instanceof SeedError && /-1/.test(error.message));
  assert.throws(() => Rng.fromSeed(1.5), SeedError);
  assert.throws(() => Rng.fromSeed(2 ** 32), SeedError);
});

test("permutation is a permutation", () => {
  const order = Rng.fromSeed(9).permutation(50);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
});
