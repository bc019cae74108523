/**
 * The arena's step-scoped region: one block that grows in place on the backends that can
 * (native, wasm), so its capacity is the step's real peak whatever the order of the requests;
 * a chain of blocks on the js reference.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Arena } from "./arena.js";
import { JsKernels } from "../kernels/js-kernels.js";
import { testedBackends } from "../testing/backend-fixtures.js";

const backends = testedBackends();
/** Small blocks, so the requests below cross block boundaries. */
const blockFloats = 1024;

/**
 * Two phases of a step, as an agent's critic and decoder updates: three 600-float requests (each
 * aligned to 608), a mark/release of scratch, then after a reset one 1500-float request.
 * In one contiguous region the peak is 3 × 608 = 1824 floats.
 */
function runPhases(arena: Arena): { first: Float32Array; second: Float32Array; third: Float32Array; big: Float32Array } {
  arena.reset();
  const first = arena.allocateTransient(600);
  first.fill(1);
  const second = arena.allocateTransient(600);
  second.fill(2);
  const mark = arena.mark();
  arena.allocateTransient(100).fill(9);
  arena.release(mark);
  const third = arena.allocateTransient(600);
  third.fill(3);
  arena.reset();
  const big = arena.allocateTransient(1500);
  return { first, second, third, big };
}

describe("Arena step-scoped region", () => {
  test("grows as one block to the step's contiguous peak, keeping earlier views and their data (native, wasm)", () => {
    for (const { label, kernels } of backends) {
      const arena = new Arena(kernels, blockFloats);
      const offsets: number[] = [];
      arena.reset();
      const first = arena.allocateTransient(600);
      first.fill(1);
      offsets.push(first.byteOffset);
      const second = arena.allocateTransient(600);
      const third = arena.allocateTransient(600);
      // The block grew under the first view: same memory, data intact, new floats zero.
      assert.equal(first.byteOffset, offsets[0], `${label}: first view moved`);
      assert.ok(first.every((value) => value === 1), `${label}: first view lost its data`);
      assert.ok(second.every((value) => value === 0) && third.every((value) => value === 0), `${label}: grown memory is not zero`);
      assert.equal(second.byteOffset, first.byteOffset + 608 * 4, `${label}: second request not contiguous with the first`);
      assert.equal(third.byteOffset, second.byteOffset + 608 * 4, `${label}: third request not contiguous with the second`);
      runPhases(arena);
      assert.equal(arena.stats().transientCapacity, 3 * 608, `${label}: capacity is the contiguous peak`);
      assert.equal(arena.stats().transientHighWater, 3 * 608, `${label}: high water`);
    }
  });

  test("after the first step, no new memory and no new views (native, wasm, js)", () => {
    for (const { label, kernels } of [...backends, { label: "js", kernels: new JsKernels() }]) {
      const arena = new Arena(kernels, blockFloats);
      runPhases(arena);
      const warm = arena.stats();
      for (let i = 0; i < 5; i++) {
        const views = runPhases(arena);
        assert.ok(views.first.every((value) => value === 1) && views.third.every((value) => value === 3), `${label}: views hold this step's data`);
      }
      assert.deepEqual(arena.stats(), warm, `${label}: the arena changed after warm-up`);
    }
  });

  test("native growable blocks are reserved address space: 2 GiB more costs no memory until written", (t) => {
    const native = backends.find((backend) => backend.label === "native")?.kernels;
    if (native === undefined) {
      t.skip("native backend not available here");
      return;
    }
    const block = native.allocateGrowable(1000);
    block.fill(4);
    const rssBefore = process.memoryUsage().rss;
    const grown = native.growInPlace(block, 2 ** 29);
    assert.ok(grown !== null);
    assert.equal(grown.buffer, block.buffer);
    assert.equal(grown.byteOffset, block.byteOffset);
    assert.ok(grown.subarray(0, 1000).every((value) => value === 4));
    assert.equal(grown[2 ** 29 - 1], 0);
    assert.ok(process.memoryUsage().rss - rssBefore < 2 ** 28, "growing committed memory");
    assert.equal(native.growInPlace(block, 2 ** 30 + 1), null, "past the 4 GiB reservation");
    // An ordinary block has only its rounding to 64 bytes (16 floats) to grow into.
    assert.equal(native.growInPlace(native.allocate(10), 17), null, "an ordinary block grew past its memory");
  });

  test("the js reference chains blocks and skips tails (why the growable block exists)", () => {
    const arena = new Arena(new JsKernels(), blockFloats);
    runPhases(arena);
    // 608 fits a 1024 block once: three requests take three blocks, the 1504 one a fourth.
    assert.equal(arena.stats().transientCapacity, 3 * blockFloats + 1504);
  });
});

describe("Arena view cache", () => {
  test("stays bounded when every step's shapes differ", () => {
    const arena = new Arena(new JsKernels(), 1 << 20);
    for (let step = 0; step < 3000; step++) {
      arena.reset();
      for (let request = 0; request < 40; request++) arena.allocateTransient(1 + ((step * 7 + request * 13) % 997));
    }
    const views = (arena as unknown as { views: Map<number, Map<number, Float32Array>> }).views;
    let cached = 0;
    for (const atPlace of views.values()) cached += atPlace.size;
    assert.ok(views.size <= 1 << 16 && cached <= 8 * (1 << 16), `${views.size} places, ${cached} views cached`);
    assert.ok([...views.values()].every((atPlace) => atPlace.size <= 8));
  });
});
