import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, Rng } from "@mtrl/mtenv";
import { ReplayBuffer } from "./replay-buffer.js";
import { ReplayStorageError, loadReplayBuffer, pruneReplayPool, saveReplayBuffer } from "./replay-storage.js";

/** Adds `count` transitions to `task` whose fields encode (task, serial) so rows can be traced. */
function fill(buffer: ReplayBuffer, task: number, count: number, start = 0): void {
  for (let i = start; i < start + count; i++) {
    const code = task * 1000 + i;
    buffer.add(task, [code, -code], 0, [code / 10], 0, code, [code + 0.5, -code - 0.5], 0, i % 7 === 0);
  }
}

test("sampled rows are whole transitions of the right task", () => {
  const buffer = new ReplayBuffer({ capacity: 40, numTasks: 2, observationSize: 2, actionSize: 1 });
  fill(buffer, 0, 15);
  fill(buffer, 1, 5);
  const batch = buffer.sample(buffer.createBatch(64), Rng.fromSeed(1));
  for (let row = 0; row < batch.size; row++) {
    const code = batch.rewards[row]!;
    assert.equal(Math.floor(code / 1000), batch.taskIndices[row]);
    assert.equal(batch.observations[2 * row], code);
    assert.equal(batch.nextObservations[2 * row], code + 0.5);
    assert.ok(Math.abs(batch.actions[row]! - code / 10) < 1e-3);
    assert.equal(batch.notDones[row], (code % 1000) % 7 === 0 ? 0 : 1);
  }
});

test("per-task-balanced sampling gives each task about the same share", () => {
  const buffer = new ReplayBuffer({ capacity: 2000, numTasks: 2, observationSize: 2, actionSize: 1 });
  fill(buffer, 0, 900);
  fill(buffer, 1, 10);
  const rng = Rng.fromSeed(2);
  const uniform = buffer.sample(buffer.createBatch(2000), rng, "uniform");
  const balanced = buffer.sample(buffer.createBatch(2000), rng, "per-task-balanced");
  const share = (indices: Int32Array): number => indices.filter((t) => t === 1).length / indices.length;
  assert.ok(share(uniform.taskIndices) < 0.03);
  assert.ok(Math.abs(share(balanced.taskIndices) - 0.5) < 0.05);
});

test("the ring overwrites the oldest transitions of a task only", () => {
  const buffer = new ReplayBuffer({ capacity: 8, numTasks: 2, observationSize: 2, actionSize: 1 });
  fill(buffer, 0, 6);
  fill(buffer, 1, 2);
  assert.deepEqual(Array.from(buffer.sizes), [4, 2]);
  assert.deepEqual(Array.from(buffer.rewards.subarray(0, 4)), [4, 5, 2, 3]);
  assert.deepEqual(Array.from(buffer.rewards.subarray(4, 6)), [1000, 1001]);
});

test("same seed ⇒ same batch", () => {
  const buffer = new ReplayBuffer({ capacity: 100, numTasks: 3, observationSize: 2, actionSize: 1 });
  for (let t = 0; t < 3; t++) fill(buffer, t, 20);
  const a = buffer.sample(buffer.createBatch(32), Rng.fromSeed(9));
  const b = buffer.sample(buffer.createBatch(32), Rng.fromSeed(9));
  assert.deepEqual(a, b);
});

test("bad arguments are ConfigErrors that say what to do", () => {
  assert.throws(() => new ReplayBuffer({ capacity: 0, numTasks: 1, observationSize: 1, actionSize: 1 }), ConfigError);
  assert.throws(() => new ReplayBuffer({ capacity: 2, numTasks: 3, observationSize: 1, actionSize: 1 }), /at least numTasks/);
  const buffer = new ReplayBuffer({ capacity: 4, numTasks: 2, observationSize: 2, actionSize: 1 });
  assert.throws(() => buffer.sample(buffer.createBatch(1), Rng.fromSeed(0)), /empty buffer/);
  assert.throws(() => fill(buffer, 2, 1), /task index must be an integer in \[0, 1\], got 2/);
});

test("chunked save/load round-trips and rewrites only changed chunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "replay-"));
  try {
    const buffer = new ReplayBuffer({ capacity: 64, numTasks: 2, observationSize: 2, actionSize: 1 });
    fill(buffer, 0, 20);
    fill(buffer, 1, 3);
    const first = saveReplayBuffer(buffer, dir, undefined, 8);
    assert.equal(Object.keys(first.files).length, 3 + 1);
    fill(buffer, 0, 2, 20); // slots 20, 21: chunk 2 of task 0 only
    const second = saveReplayBuffer(buffer, dir, first);
    const rewritten = Object.keys(second.files).filter((key) => second.files[key] !== first.files[key]);
    assert.deepEqual(rewritten, ["0/2"]);
    const restored = loadReplayBuffer(dir, JSON.parse(JSON.stringify(second)));
    for (const field of ["observations", "nextObservations", "actions", "rewards", "notDones", "sizes", "positions", "added"] as const) {
      assert.deepEqual(restored[field], buffer[field], field);
    }
    // The first checkpoint stays loadable until its files are pruned.
    assert.equal(loadReplayBuffer(dir, first).size, 23);
    assert.equal(pruneReplayPool(dir, [second]), 1);
    assert.equal(readdirSync(dir).length, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a truncated or missing chunk is a ReplayStorageError naming the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "replay-"));
  try {
    const buffer = new ReplayBuffer({ capacity: 16, numTasks: 1, observationSize: 2, actionSize: 1 });
    fill(buffer, 0, 5);
    const manifest = saveReplayBuffer(buffer, dir);
    const file = join(dir, manifest.files["0/0"]!);
    writeFileSync(file, new Uint8Array(7));
    assert.throws(() => loadReplayBuffer(dir, manifest), (e: unknown) => e instanceof ReplayStorageError && e.message.includes(file) && /truncated/.test(e.message));
    rmSync(file);
    assert.throws(() => loadReplayBuffer(dir, manifest), /missing/);
    assert.throws(() => loadReplayBuffer(dir, { ...manifest, version: 2 as 1 }), /version 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
