import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "@mtrl/mtenv";
import { initMujoco, make } from "@mtrl/mtenv";
import { FrameStackLayoutError } from "./frame-stack-observations.js";
import { ReplayBuffer } from "./replay-buffer.js";
import { loadReplayBuffer, saveReplayBuffer } from "./replay-storage.js";

const FRAMES = 3;
const FRAME_SIZE = 4;
const layout = { type: "frame-stack", frames: FRAMES, frameSize: FRAME_SIZE } as const;

/** An env-like stream of stacked observations: random byte frames, episodes of random length, oldest frame first. */
function stackedEpisodes(rng: Rng, steps: number): Array<{ observation: Float32Array; next: Float32Array; terminated: boolean }> {
  const transitions: Array<{ observation: Float32Array; next: Float32Array; terminated: boolean }> = [];
  const frame = (): number[] => Array.from({ length: FRAME_SIZE }, () => rng.integers(0, 256));
  let stack: number[][] = [];
  let left = 0;
  for (let t = 0; t < steps; t++) {
    if (left === 0) {
      const first = frame();
      stack = Array.from({ length: FRAMES }, () => first);
      left = rng.integers(1, 7);
    }
    const observation = Float32Array.from(stack.flat());
    stack = [...stack.slice(1), frame()];
    left--;
    transitions.push({ observation, next: Float32Array.from(stack.flat()), terminated: left === 0 && rng.uniform() < 0.5 });
  }
  return transitions;
}

/** Every sampleable transition of `task`, oldest first, read back through the buffer. */
function readAll(buffer: ReplayBuffer, task: number): Array<{ observation: number[]; next: number[] }> {
  const size = buffer.observationSize;
  const observation = new Float32Array(size);
  const next = new Float32Array(size);
  return Array.from({ length: buffer.sizes[task]! }, (_, index) => {
    buffer.observationStore.read(buffer.slotOf(task, index), observation, 0, next, 0);
    return { observation: Array.from(observation), next: Array.from(next) };
  });
}

test("frame stacks rebuilt from the replay equal the observations added, exactly, also after the ring wraps", () => {
  const buffer = new ReplayBuffer({ capacity: 2 * 25, numTasks: 2, observationSize: FRAMES * FRAME_SIZE, actionSize: 1, observationLayout: layout });
  const rng = Rng.fromSeed(7);
  const streams = [stackedEpisodes(rng, 80), stackedEpisodes(rng, 13)];
  streams.forEach((stream, task) => stream.forEach(({ observation, next, terminated }, t) => buffer.add(task, observation, 0, [t], 0, t, next, 0, terminated)));
  assert.deepEqual(Array.from(buffer.sizes), [25, 13]);
  streams.forEach((stream, task) => {
    const expected = stream.slice(-buffer.sizes[task]!).map(({ observation, next }) => ({ observation: Array.from(observation), next: Array.from(next) }));
    assert.deepEqual(readAll(buffer, task), expected, `task ${task}`);
  });
  // Sampled batches carry the same stacks next to their own reward (the step index).
  const batch = buffer.sample(buffer.createBatch(64), Rng.fromSeed(1));
  for (let row = 0; row < batch.size; row++) {
    const original = streams[batch.taskIndices[row]!]![batch.rewards[row]!]!;
    assert.deepEqual(batch.observations.subarray(row * 12, row * 12 + 12), original.observation);
    assert.deepEqual(batch.nextObservations.subarray(row * 12, row * 12 + 12), original.next);
  }
});

test("a frame-stack replay saves and loads to the same bytes and the same batches", () => {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-frames-"));
  try {
    const buffer = new ReplayBuffer({ capacity: 40, numTasks: 2, observationSize: FRAMES * FRAME_SIZE, actionSize: 1, observationLayout: layout });
    const rng = Rng.fromSeed(3);
    for (const [task, stream] of [stackedEpisodes(rng, 50), stackedEpisodes(rng, 9)].entries()) {
      stream.forEach(({ observation, next, terminated }, t) => buffer.add(task, observation, 0, [t], 0, t, next, 0, terminated));
    }
    const manifest = saveReplayBuffer(buffer, dir, undefined, 8);
    assert.deepEqual(manifest.observationLayout, layout);
    const loaded = loadReplayBuffer(dir, JSON.parse(JSON.stringify(manifest)));
    assert.deepEqual(loaded.observationLayout, layout);
    for (const [index, field] of buffer.slotFields.entries()) assert.deepEqual(loaded.slotFields[index]!.array, field.array, field.name);
    const batch = (from: ReplayBuffer) => from.sample(from.createBatch(32), Rng.fromSeed(5));
    assert.deepEqual(batch(loaded), batch(buffer));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("three stacked 84×84 RGB frames take 1/12 of the float32 bytes per transition", () => {
  const frameSize = 3 * 84 * 84;
  const options = { capacity: 1000, numTasks: 1, observationSize: 3 * frameSize, actionSize: 1 };
  const flat = new ReplayBuffer(options).bytesPerTransition;
  const frames = new ReplayBuffer({ ...options, observationLayout: { type: "frame-stack", frames: 3, frameSize } }).bytesPerTransition;
  assert.equal(flat, 2 * 3 * frameSize * 4 + 12);
  assert.ok(Math.abs(frames / flat - 1 / 12) < 0.001, `ratio ${frames / flat}`);
});

test("observations the frame-stack layout cannot store exactly are typed errors that say why", () => {
  const make3 = () => new ReplayBuffer({ capacity: 10, numTasks: 1, observationSize: 6, actionSize: 1, observationLayout: { type: "frame-stack", frames: 3, frameSize: 2 } });
  const add = (buffer: ReplayBuffer, observation: number[], next: number[]) => buffer.add(0, observation, 0, [0], 0, 0, next, 0, false);
  assert.throws(() => add(make3(), [1, 2, 1, 2, 1, 2.5], [1, 2, 1, 2, 3, 4]), (e: unknown) => e instanceof FrameStackLayoutError && /stores bytes.*is 2.5/.test(e.message));
  assert.throws(() => add(make3(), [1, 2, 1, 2, 1, 2], [9, 9, 1, 2, 3, 4]), (e: unknown) => e instanceof FrameStackLayoutError && /not the observation shifted by one frame/.test(e.message));
  const buffer = make3();
  add(buffer, [1, 2, 1, 2, 1, 2], [1, 2, 1, 2, 3, 4]);
  assert.throws(() => add(buffer, [1, 2, 3, 4, 5, 6], [3, 4, 5, 6, 7, 8]), (e: unknown) => e instanceof FrameStackLayoutError && /neither continues .* nor starts an episode/.test(e.message));
  assert.throws(() => new ReplayBuffer({ capacity: 10, numTasks: 1, observationSize: 7, actionSize: 1, observationLayout: { type: "frame-stack", frames: 3, frameSize: 2 } }), /frames \(1–255\) × frameSize = observationSize \(7\)/);
  assert.throws(() => buffer.observations, /only in the flat layout/);
});

test("stacked pixel frames rebuilt from the replay equal the DMC env's stacked observations", async () => {
  await initMujoco();
  const env = make("MT-DMC-Cartpole-Swingup-v0", { fromPixels: true, width: 10, height: 8, frameStack: 3, frameSkip: 4 });
  const size = env.observationSpace.spaces.envObs.flatSize;
  const buffer = new ReplayBuffer({ capacity: 30, numTasks: 1, observationSize: size, actionSize: 1, observationLayout: { type: "frame-stack", frames: 3, frameSize: size / 3 } });
  const seen: Array<{ observation: number[]; next: number[] }> = [];
  const actions = Rng.fromSeed(2);
  for (const seed of [1, 2]) {
    let [{ envObs: observation }] = env.reset({ seed });
    for (let t = 0; t < 20; t++) {
      const [{ envObs: next }] = env.step(Float32Array.of(actions.uniform(-1, 1)));
      assert.ok(observation instanceof Uint8Array && next instanceof Uint8Array, "pixel observations are bytes");
      buffer.add(0, observation, 0, [0], 0, 0, next, 0, false);
      seen.push({ observation: Array.from(observation), next: Array.from(next) });
      observation = next;
    }
  }
  env.close();
  assert.deepEqual(readAll(buffer, 0), seen.slice(-30));
});
