import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidSpaceError } from "../core/errors.js";
import { Box, DictSpace, Discrete, MultiBinary, MultiDiscrete, spaceFromJSON, type Space } from "./index.js";

const examples = (): Array<[string, Space<unknown>]> => [
  ["bounded box", new Box(-1, 2, { shape: [3] })],
  ["half-bounded box", new Box([0, -Infinity], [Infinity, 1])],
  ["unbounded box", new Box(-Infinity, Infinity, { shape: [2, 2] })],
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
