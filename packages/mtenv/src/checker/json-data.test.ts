import assert from "node:assert/strict";
import { test } from "node:test";
import { findNonJsonValue } from "./json-data.js";

test("plain JSON data passes, nested to any depth", () => {
  for (const value of [null, true, "reach", 0, -1.5, [], {}, [0.25, [1, 2], { goal: [0, 1] }], { rewardProbabilities: [[0.1, 0.9]], name: "a", nested: { flag: false } }]) {
    assert.equal(findNonJsonValue(value), undefined, JSON.stringify(value));
  }
  assert.equal(findNonJsonValue(Object.assign(Object.create(null) as object, { a: 1 })), undefined, "a null-prototype object is plain");
});

test("each value JSON does not give back is named by its path, with what JSON makes of it", () => {
  const cases: Array<[unknown, RegExp]> = [
    [Float32Array.of(0.5, 1), /^state is a Float32Array\(2\) \[0\.5, 1\], which JSON writes as an object/],
    [{ mu: new Float64Array(3) }, /^state\.mu is a Float64Array\(3\)/],
    [[0, Number.NaN], /^state\[1\] is NaN, which JSON writes as null/],
    [{ gravity: Infinity }, /^state\.gravity is Infinity/],
    [{ mass: undefined }, /^state\.mass is undefined/],
    [[1, , 3], /^state\[1\] is a hole in a sparse array/],
    [{ "two words": () => 0 }, /^state\["two words"\] is a function/],
    [10n, /^state is a bigint/],
    [new Map([["a", 1]]), /^state is a Map, not a plain object/],
    [{ when: new Date(0) }, /^state\.when is a Date, not a plain object/],
  ];
  for (const [value, expected] of cases) assert.match(findNonJsonValue(value, "state") ?? "(passed)", expected);
});

test("a cycle is reported instead of recursing forever; shared (acyclic) references are fine", () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic["self"] = cyclic;
  assert.match(findNonJsonValue(cyclic, "state") ?? "", /^state\.self refers back to an enclosing value/);
  const shared = [0, 1];
  assert.equal(findNonJsonValue({ left: shared, right: shared }), undefined);
});
