import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidSpaceError } from "../core/errors.js";
import { Box, DictSpace, Discrete, MultiBinary, MultiDiscrete, spaceFromJSON, type Space } from "./index.js";

const examples = (): Array<[string, Space<unknown>]> => [
  ["bounded box", new Box(-1, 2, { shape: [3] })],
  ["half-bounded box", new Box([0, -Infinity], [Infinity, 1])],
  ["unbounded box", new Box(-Infinity, Infinity, { shape: [2, 2] })],
  ["uint8 box", new Box(0, 255, { shape: [3, 2, 2], dtype: "uint8" })],
  ["discrete", new Discrete(4, 1)],
  ["multi-discrete", new MultiDiscrete([2, 3, 5])],
  ["multi-binary", new MultiBinary(6)],
  ["dict", new DictSpace({ envObs: new Box(-1, 1, { shape: [2] }), taskObs: new Discrete(3) })],
];

for (const [name, space] of examples()) {
  test(`${name}: samples are members, sampling is seeded, JSON round-trips`, () => {
    space.seed(3);
    const first = Array.from({ length: 50 }, () => space.sample());
    for (const value of first) assert.equal(space.explainMismatch(value), undefined);
    space.seed(3);
    assert.deepEqual(Array.from({ length: 50 }, () => space.sample()), first);
    const restored = spaceFromJSON(JSON.parse(JSON.stringify(space.toJSON())));
    assert.ok(restored.equals(space) && space.equals(restored));
  });

  test(`${name}: flattenInto and unflatten are inverse`, () => {
    space.seed(1);
    const value = space.sample();
    const flat = new Float32Array(space.flatSize + 2);
    space.flattenInto(value, flat, 2);
    assert.deepEqual(space.unflatten(flat, 2), value);
  });
}

test("box rejects wrong type, wrong length, NaN and out-of-bounds values with a reason", () => {
  const box = new Box(-1, 1, { shape: [2] });
  assert.match(box.explainMismatch([0, 0]) ?? "", /Float32Array of length 2/);
  assert.match(box.explainMismatch(new Float32Array(3)) ?? "", /expected length 2/);
  assert.match(box.explainMismatch(Float32Array.of(0, Number.NaN)) ?? "", /element 1 is NaN/);
  assert.match(box.explainMismatch(Float32Array.of(0, 1.5)) ?? "", /outside \[-1, 1\]/);
  assert.equal(box.contains(Float32Array.of(-1, 1)), true);
});

test("constructors validate eagerly and name expected vs actual", () => {
  assert.throws(() => new Box([0, 2], [1, 1]), (e: unknown) => e instanceof InvalidSpaceError && /index 1 low=2 and high=1/.test(e.message));
  assert.throws(() => new Box(0, 1), InvalidSpaceError);
  assert.throws(() => new Box([0, 0], [1, 1, 1]), /must have 2 elements/);
  assert.throws(() => new Discrete(0), (e: unknown) => e instanceof InvalidSpaceError && /n=0/.test(e.message));
  assert.throws(() => new Discrete(2.5), InvalidSpaceError);
  assert.throws(() => new MultiDiscrete([2, 0]), InvalidSpaceError);
  assert.throws(() => new MultiBinary(-1), InvalidSpaceError);
  assert.throws(() => new DictSpace({}), InvalidSpaceError);
  assert.throws(() => spaceFromJSON({ type: "tuple" } as never), /Expected a space JSON with type/);
});

test("discrete respects start and rejects fractions", () => {
  const space = new Discrete(3, -1);
  assert.equal(space.contains(-1), true);
  assert.equal(space.contains(2), false);
  assert.equal(space.contains(0.5), false);
  assert.match(space.explainMismatch(2) ?? "", /\[-1, 1\]/);
});

test("dict names the offending key", () => {
  const space = new DictSpace({ envObs: new Box(0, 1, { shape: [1] }), taskObs: new Discrete(2) });
  assert.match(space.explainMismatch({ envObs: Float32Array.of(0.5), taskObs: 7 }) ?? "", /at "taskObs"/);
  assert.match(space.explainMismatch({ envObs: Float32Array.of(0.5) }) ?? "", /missing key "taskObs"/);
  assert.match(space.explainMismatch({ envObs: Float32Array.of(0.5), taskObs: 1, extra: 1 }) ?? "", /unexpected keys extra/);
});

test("equals distinguishes parameters", () => {
  assert.equal(new Discrete(3).equals(new Discrete(4)), false);
  assert.equal(new Box(0, 1, { shape: [2] }).equals(new Box(0, 2, { shape: [2] })), false);
  assert.equal(new Box(0, 1, { shape: [2] }).equals(new Discrete(2)), false);
});

test("a uint8 box holds bytes: Uint8Array members, integer samples, exact flat round trips in floats and bytes", () => {
  const box = new Box([0, 10, 200], [255, 12, 200], { dtype: "uint8" });
  assert.equal(box.flatDtype, "uint8");
  box.seed(5);
  const samples = Array.from({ length: 200 }, () => box.sample());
  assert.ok(samples.every((value) => value instanceof Uint8Array && box.contains(value)));
  assert.deepEqual(new Set(samples.map((value) => value[1])), new Set([10, 11, 12]), "both bounds are reachable");
  const value = Uint8Array.of(0, 12, 200);
  for (const flat of [new Float32Array(5), new Uint8Array(5)]) {
    box.flattenInto(value, flat, 1);
    assert.deepEqual(Array.from(flat.subarray(1, 4)), [0, 12, 200]);
    assert.deepEqual(box.unflatten(flat, 1), value);
  }
  assert.equal(box.contains(Float32Array.of(0, 12, 200)), false);
  assert.match(box.explainMismatch(Float32Array.of(0, 12, 200)) ?? "", /expected a Uint8Array of length 3 \(dtype uint8\)/);
  assert.match(box.explainMismatch(Uint8Array.of(0, 13, 200)) ?? "", /element 1 = 13 is outside \[10, 12\]/);
  assert.deepEqual(box.toJSON(), { type: "box", shape: [3], low: [0, 10, 200], high: [255, 12, 200], dtype: "uint8" });
  assert.equal("dtype" in new Box(0, 1, { shape: [1] }).toJSON(), false, "float32 boxes keep their JSON");
});

test("a uint8 box refuses non-byte bounds and unknown dtypes, and differs from the float box of the same bounds", () => {
  assert.throws(() => new Box(0, 256, { shape: [2], dtype: "uint8" }), (e: unknown) => e instanceof InvalidSpaceError && /integer bounds in \[0, 255\].*index 0 low=0 and high=256/.test(e.message));
  assert.throws(() => new Box(0, 0.5, { shape: [1], dtype: "uint8" }), InvalidSpaceError);
  assert.throws(() => new Box(0, 1, { shape: [1], dtype: "int8" as never }), /dtype must be "float32" or "uint8", got dtype="int8"/);
  const bytes = new Box(0, 255, { shape: [2], dtype: "uint8" });
  const floats = new Box(0, 255, { shape: [2] });
  assert.equal(bytes.equals(floats) || floats.equals(bytes), false);
  assert.equal(new DictSpace({ a: bytes, b: bytes }).flatDtype, "uint8");
  assert.equal(new DictSpace({ a: bytes, b: floats }).flatDtype, "float32");
});
