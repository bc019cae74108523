import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentState } from "../agents/agent.js";
import { ReplayBuffer } from "../replay/replay-buffer.js";
import { CheckpointError, CheckpointStore, type TrainerState } from "./checkpoint.js";
import type { AccumulatorState } from "./metric-accumulator.js";
import type { TaskEnvsState } from "./task-envs.js";

/** A store in a fresh folder whose warnings are collected, and a buffer that grows between saves. */
function setUp(): { dir: string; warnings: string[]; store: CheckpointStore; replay: ReplayBuffer; saveAt: (step: number) => void; cleanUp: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-checkpoint-"));
  const warnings: string[] = [];
  const store = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) });
  const replay = new ReplayBuffer({ capacity: 64, numTasks: 2, observationSize: 2, actionSize: 1 });
  const saveAt = (step: number): void => {
    // Both tasks get new transitions, so each checkpoint writes its own chunk files.
    while (replay.added[0]! < step) {
      for (let task = 0; task < 2; task++) {
        const code = task * 1000 + replay.added[task]!;
        replay.add(task, [code, -code], 0, [code / 10], 0, code, [code + 0.5, -code - 0.5], 0, false);
      }
    }
    store.save(step, trainerAt(step), agentAt(step), replay);
  };
  return { dir, warnings, store, replay, saveAt, cleanUp: () => rmSync(dir, { recursive: true, force: true }) };
}

function trainerAt(step: number): TrainerState {
  return { step, updateIndex: step * 2, rngs: {}, taskEnvs: {} as TaskEnvsState, taskStates: [], accumulator: {} as AccumulatorState, metricsBytes: step * 100 };
}

/** Weights that encode the step, so the loaded checkpoint can be told apart. */
function agentAt(step: number): AgentState {
  return { tensors: new Map([["weights", { shape: [4], data: Float32Array.from([step, step + 1, step + 2, step + 3]) }]]), json: { step } };
}

function stepDir(dir: string, step: number): string {
  return join(dir, `step-${String(step).padStart(8, "0")}`);
}

interface StateFile {
  version: number;
  replay: { files: Record<string, string> };
  files: Record<string, { bytes: number; sha256: string }>;
}

function readState(dir: string, step: number): StateFile {
  return JSON.parse(readFileSync(join(stepDir(dir, step), "state.json"), "utf8")) as StateFile;
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0xff;
  writeFileSync(path, bytes);
}

function loadedWeights(store: CheckpointStore): number[] {
  return Array.from(store.loadLatest()!.agent.tensors.get("weights")!.data);
}

test("state.json records the size and SHA-256 of agent.safetensors and of every replay chunk the checkpoint uses", () => {
  const { dir, saveAt, cleanUp } = setUp();
  try {
    saveAt(10);
    saveAt(20);
    for (const step of [10, 20]) {
      const state = readState(dir, step);
      assert.equal(state.version, 2);
      const expected = ["agent.safetensors", ...Object.values(state.replay.files).map((name) => `../replay/${name}`)].sort();
      assert.deepEqual(Object.keys(state.files).sort(), expected);
      for (const [relative, digest] of Object.entries(state.files)) {
        const bytes = readFileSync(join(stepDir(dir, step), relative));
        assert.equal(digest.bytes, bytes.byteLength, relative);
        assert.equal(digest.sha256, createHash("sha256").update(bytes).digest("hex"), relative);
      }
    }
  } finally {
    cleanUp();
  }
});

test("intact checkpoints load the newest without a warning; an empty folder loads nothing", () => {
  const { dir, warnings, saveAt, cleanUp } = setUp();
  try {
    assert.equal(new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) }).loadLatest(), undefined);
    saveAt(10);
    saveAt(20);
    const store = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) });
    assert.deepEqual(loadedWeights(store), [20, 21, 22, 23]);
    assert.deepEqual(warnings, []);
  } finally {
    cleanUp();
  }
});

test("a truncated newest agent.safetensors: one warning names the file with expected and found sizes, and loadLatest resumes from the previous checkpoint with its replay", () => {
  const { dir, saveAt, replay, cleanUp } = setUp();
  try {
    saveAt(10);
    const replayAt10 = Array.from(replay.rewards);
    saveAt(20);
    const agentPath = join(stepDir(dir, 20), "agent.safetensors");
    const size = statSync(agentPath).size;
    truncateSync(agentPath, size - 5);
    const warnings: string[] = [];
    const loaded = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) }).loadLatest()!;
    assert.equal(loaded.trainer.step, 10);
    assert.equal(loaded.dir, stepDir(dir, 10));
    assert.deepEqual(Array.from(loaded.agent.tensors.get("weights")!.data), [10, 11, 12, 13]);
    assert.deepEqual(Array.from(loaded.replay.rewards), replayAt10);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(`${agentPath} has ${size - 5} bytes, expected ${size}`), warnings[0]);
    assert.ok(warnings[0]!.includes(`Resuming from ${stepDir(dir, 10)} (step 10)`), warnings[0]);
  } finally {
    cleanUp();
  }
});

test("one flipped byte in the newest agent.safetensors: the warning gives expected and found SHA-256, and both loaders fall back", () => {
  const { dir, saveAt, cleanUp } = setUp();
  try {
    saveAt(10);
    saveAt(20);
    const agentPath = join(stepDir(dir, 20), "agent.safetensors");
    const recorded = readState(dir, 20).files["agent.safetensors"]!.sha256;
    // The last byte is tensor data: the file still parses, only the hash can tell.
    flipByte(agentPath, statSync(agentPath).size - 1);
    const found = createHash("sha256").update(readFileSync(agentPath)).digest("hex");
    const warnings: string[] = [];
    const store = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) });
    assert.deepEqual(loadedWeights(store), [10, 11, 12, 13]);
    assert.equal(store.loadLatestAgent()!.trainer.step, 10);
    assert.equal(warnings.length, 2, "one warning per load");
    for (const warning of warnings) assert.ok(warning.includes(`${agentPath} has SHA-256 ${found}, expected ${recorded}`), warning);
  } finally {
    cleanUp();
  }
});

test("a damaged replay chunk of the newest checkpoint: loadLatest falls back; loadLatestAgent, which needs no replay, keeps the newest", () => {
  const { dir, saveAt, cleanUp } = setUp();
  try {
    saveAt(10);
    saveAt(20);
    const olderChunks = new Set(Object.values(readState(dir, 10).replay.files));
    const chunk = Object.values(readState(dir, 20).replay.files).find((name) => !olderChunks.has(name))!;
    const chunkPath = join(dir, "replay", chunk);
    flipByte(chunkPath, 0);
    const warnings: string[] = [];
    const store = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) });
    assert.equal(store.loadLatest()!.trainer.step, 10);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(join(stepDir(dir, 20), "..", "replay", chunk)) && warnings[0]!.includes("SHA-256"), warnings[0]);
    assert.equal(store.loadLatestAgent()!.trainer.step, 20);
    assert.equal(warnings.length, 1, "the agent loader does not read the replay, so it has nothing to warn about");

    rmSync(chunkPath);
    assert.equal(store.loadLatest()!.trainer.step, 10);
    assert.match(warnings[1]!, new RegExp(`${chunk} is missing`));
  } finally {
    cleanUp();
  }
});

test("an unparsable newest state.json, or latest.json, falls back to the newest intact step folder", () => {
  const { dir, saveAt, cleanUp } = setUp();
  try {
    saveAt(10);
    saveAt(20);
    const statePath = join(stepDir(dir, 20), "state.json");
    const state = readFileSync(statePath, "utf8");
    writeFileSync(statePath, state.slice(0, 40));
    const warnings: string[] = [];
    const store = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) });
    assert.equal(store.loadLatest()!.trainer.step, 10);
    assert.ok(warnings[0]!.includes(`${statePath} is not valid JSON`), warnings[0]);

    writeFileSync(statePath, state);
    writeFileSync(join(dir, "latest.json"), '{"step": 2');
    assert.equal(store.loadLatest()!.trainer.step, 20);
    assert.ok(warnings[1]!.includes(`${join(dir, "latest.json")} is not valid JSON`), warnings[1]);
  } finally {
    cleanUp();
  }
});

test("every checkpoint damaged: a CheckpointError lists each checkpoint with its damaged file and says what to do", () => {
  const { dir, saveAt, cleanUp } = setUp();
  try {
    saveAt(10);
    saveAt(20);
    const newest = join(stepDir(dir, 20), "agent.safetensors");
    const older = join(stepDir(dir, 10), "agent.safetensors");
    truncateSync(newest, 3);
    rmSync(older);
    const store = new CheckpointStore(dir, { onWarning: () => assert.fail("no warning when nothing can be loaded") });
    for (const load of [() => store.loadLatest(), () => store.loadLatestAgent()]) {
      assert.throws(load, (error: unknown) => {
        assert.ok(error instanceof CheckpointError);
        assert.match(error.message, new RegExp(`No intact checkpoint in ${dir}`));
        assert.ok(error.message.includes(`checkpoint step-00000020 is damaged: ${newest} has 3 bytes, expected`), error.message);
        assert.ok(error.message.includes(`checkpoint step-00000010 is damaged: ${older} is missing`), error.message);
        assert.match(error.message, /Restore the files named above from a backup.*start it again without --resume/s);
        return true;
      });
    }
  } finally {
    cleanUp();
  }
});

test("after a fallback, the next save removes the damaged checkpoint and keeps the older kept one's replay chunks, so a second fallback still loads", () => {
  const { dir, saveAt, cleanUp } = setUp();
  try {
    saveAt(10);
    saveAt(20);
    saveAt(25); // a Ctrl-C checkpoint between the regular ones
    truncateSync(join(stepDir(dir, 25), "agent.safetensors"), 100);
    const warnings: string[] = [];
    const resumed = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) });
    const loaded = resumed.loadLatest()!;
    assert.equal(loaded.trainer.step, 20);
    const replayAt20 = Array.from(loaded.replay.rewards);
    for (let task = 0; task < 2; task++) {
      for (let i = 20; i < 30; i++) loaded.replay.add(task, [i, i], 0, [0], 0, task * 1000 + i, [i, i], 0, false);
    }
    resumed.save(30, trainerAt(30), agentAt(30), loaded.replay);
    assert.ok(!existsSync(stepDir(dir, 25)), "the damaged checkpoint should be removed by the next save");
    assert.deepEqual(resumed.list(), [20, 30]);
    const referenced = new Set([20, 30].flatMap((step) => Object.values(readState(dir, step).replay.files)));
    assert.deepEqual(new Set(readdirSync(join(dir, "replay"))), referenced);

    flipByte(join(stepDir(dir, 30), "agent.safetensors"), 9);
    const again = new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) }).loadLatest()!;
    assert.equal(again.trainer.step, 20);
    assert.deepEqual(Array.from(again.replay.rewards), replayAt20);
    assert.equal(warnings.length, 2);
  } finally {
    cleanUp();
  }
});

test("a version 1 checkpoint, written before digests were recorded, still loads", () => {
  const { dir, warnings, saveAt, cleanUp } = setUp();
  try {
    saveAt(10);
    const statePath = join(stepDir(dir, 10), "state.json");
    const { files: _digests, ...rest } = JSON.parse(readFileSync(statePath, "utf8")) as StateFile;
    writeFileSync(statePath, JSON.stringify({ ...rest, version: 1 }));
    assert.deepEqual(loadedWeights(new CheckpointStore(dir, { onWarning: (message) => warnings.push(message) })), [10, 11, 12, 13]);
    assert.deepEqual(warnings, []);
  } finally {
    cleanUp();
  }
});
