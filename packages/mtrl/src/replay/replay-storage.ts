import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import { MTError } from "@mtrl/core";
import type { ObservationLayout } from "./observation-store.js";
import { ReplayBuffer } from "./replay-buffer.js";

/** A replay file that is missing, truncated, or does not match the buffer it is loaded into. */
export class ReplayStorageError extends MTError {}

/**
 * Describes one saved state of a replay buffer. Chunk files are immutable: a chunk that changed
 * since the previous save is written under a new name, so a crash between writing chunks and
 * committing a checkpoint can never corrupt the checkpoint that is still current.
 */
export interface ReplayManifest {
  readonly format: "mtrl-replay";
  readonly version: 1;
  readonly numTasks: number;
  readonly capacityPerTask: number;
  readonly observationSize: number;
  readonly actionSize: number;
  /** How observations are stored; absent = flat (manifests written before frame stacks existed). */
  readonly observationLayout?: ObservationLayout;
  /** Slots per chunk file. */
  readonly chunkSize: number;
  readonly sizes: number[];
  readonly positions: number[];
  readonly added: number[];
  /** "task/chunk" → file name in the pool directory. */
  readonly files: Record<string, string>;
}

const DEFAULT_CHUNK_SIZE = 8192;

/**
 * Writes the chunks that changed since `previous` (all of them when there is none) into
 * `poolDir`, fsyncs them, and returns the manifest to store with the checkpoint.
 */
export function saveReplayBuffer(buffer: ReplayBuffer, poolDir: string, previous?: ReplayManifest, chunkSize = previous?.chunkSize ?? DEFAULT_CHUNK_SIZE): ReplayManifest {
  assertLittleEndian();
  mkdirSync(poolDir, { recursive: true });
  const reusable = previous !== undefined && sameLayout(previous, buffer) && previous.chunkSize === chunkSize ? previous : undefined;
  const files: Record<string, string> = {};
  for (let task = 0; task < buffer.numTasks; task++) {
    const usedChunks = Math.ceil(buffer.storedSlots(task) / chunkSize);
    for (let chunk = 0; chunk < usedChunks; chunk++) {
      const key = `${task}/${chunk}`;
      const previousFile = reusable?.files[key];
      if (previousFile !== undefined && !chunkChangedSince(buffer, reusable!, task, chunk, chunkSize)) {
        files[key] = previousFile;
        continue;
      }
      const name = `task${task}-chunk${chunk}-added${buffer.added[task]}.bin`;
      writeChunk(join(poolDir, name), buffer, task, chunk, chunkSize);
      files[key] = name;
    }
  }
  return {
    format: "mtrl-replay",
    version: 1,
    numTasks: buffer.numTasks,
    capacityPerTask: buffer.capacityPerTask,
    observationSize: buffer.observationSize,
    actionSize: buffer.actionSize,
    // Flat manifests keep the shape they always had.
    ...(buffer.observationLayout.type === "flat" ? {} : { observationLayout: buffer.observationLayout }),
    chunkSize,
    sizes: Array.from(buffer.sizes),
    positions: Array.from(buffer.positions),
    added: Array.from(buffer.added),
    files,
  };
}

/** Rebuilds a buffer from a manifest; every file and size is validated. */
export function loadReplayBuffer(poolDir: string, manifest: ReplayManifest): ReplayBuffer {
  assertLittleEndian();
  if (manifest?.format !== "mtrl-replay" || manifest.version !== 1) {
    throw new ReplayStorageError(`Expected a replay manifest with format "mtrl-replay" and version 1, got format=${JSON.stringify(manifest?.format)} version=${JSON.stringify(manifest?.version)}. The checkpoint was written by another tool or version.`);
  }
  const buffer = new ReplayBuffer({
    capacity: manifest.capacityPerTask * manifest.numTasks,
    numTasks: manifest.numTasks,
    observationSize: manifest.observationSize,
    actionSize: manifest.actionSize,
    observationLayout: manifest.observationLayout ?? { type: "flat" },
  });
  for (let task = 0; task < buffer.numTasks; task++) {
    buffer.sizes[task] = manifest.sizes[task]!;
    buffer.positions[task] = manifest.positions[task]!;
    buffer.added[task] = manifest.added[task]!;
    const usedChunks = Math.ceil(buffer.storedSlots(task) / manifest.chunkSize);
    for (let chunk = 0; chunk < usedChunks; chunk++) {
      const name = manifest.files[`${task}/${chunk}`];
      if (name === undefined) throw new ReplayStorageError(`Replay manifest lists no file for task ${task} chunk ${chunk}; the checkpoint is incomplete.`);
      readChunk(join(poolDir, name), buffer, task, chunk, manifest.chunkSize);
    }
  }
  return buffer;
}

/** Deletes pool files that none of `keep` refers to (old chunk generations). */
export function pruneReplayPool(poolDir: string, keep: readonly ReplayManifest[]): number {
  if (!existsSync(poolDir)) return 0;
  const referenced = new Set(keep.flatMap((manifest) => Object.values(manifest.files)));
  let removed = 0;
  for (const name of readdirSync(poolDir)) {
    if (name.endsWith(".bin") && !referenced.has(name)) {
      rmSync(join(poolDir, name));
      removed++;
    }
  }
  return removed;
}

function sameLayout(manifest: ReplayManifest, buffer: ReplayBuffer): boolean {
  return (
    manifest.numTasks === buffer.numTasks &&
    manifest.capacityPerTask === buffer.capacityPerTask &&
    manifest.observationSize === buffer.observationSize &&
    manifest.actionSize === buffer.actionSize &&
    JSON.stringify(manifest.observationLayout ?? { type: "flat" }) === JSON.stringify(buffer.observationLayout)
  );
}

/** Whether any slot of (task, chunk) was written after the `previous` save. */
function chunkChangedSince(buffer: ReplayBuffer, previous: ReplayManifest, task: number, chunk: number, chunkSize: number): boolean {
  const written = buffer.added[task]! - previous.added[task]!;
  if (written <= 0) return false;
  const capacity = buffer.slotsPerTask;
  if (written >= capacity) return true;
  const chunkStart = chunk * chunkSize;
  const chunkEnd = Math.min(chunkStart + chunkSize, capacity);
  const start = previous.added[task]! % capacity;
  const end = start + written;
  const overlaps = (a: number, b: number): boolean => a < chunkEnd && b > chunkStart;
  return end <= capacity ? overlaps(start, end) : overlaps(start, capacity) || overlaps(0, end - capacity);
}

/** The views of one chunk's slots in every field, in file order. */
function chunkViews(buffer: ReplayBuffer, task: number, chunk: number, chunkSize: number): Array<Float32Array | Uint8Array> {
  const first = task * buffer.slotsPerTask + chunk * chunkSize;
  const rows = Math.min(chunkSize, buffer.slotsPerTask - chunk * chunkSize);
  return buffer.slotFields.map(({ array, width }) => array.subarray(first * width, (first + rows) * width));
}

function writeChunk(path: string, buffer: ReplayBuffer, task: number, chunk: number, chunkSize: number): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    for (const view of chunkViews(buffer, task, chunk, chunkSize)) {
      writeSync(fd, new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

function readChunk(path: string, buffer: ReplayBuffer, task: number, chunk: number, chunkSize: number): void {
  if (!existsSync(path)) throw new ReplayStorageError(`Replay chunk file ${path} is missing; the checkpoint's replay pool was moved or pruned.`);
  const bytes = readFileSync(path);
  const views = chunkViews(buffer, task, chunk, chunkSize);
  const expected = views.reduce((total, view) => total + view.byteLength, 0);
  if (bytes.byteLength !== expected) {
    throw new ReplayStorageError(`Replay chunk ${path} has ${bytes.byteLength} bytes, expected ${expected}; the file is truncated or from another buffer layout.`);
  }
  let offset = 0;
  for (const view of views) {
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(bytes.subarray(offset, offset + view.byteLength));
    offset += view.byteLength;
  }
}

function assertLittleEndian(): void {
  if (endianness() !== "LE") throw new ReplayStorageError("Replay files are little-endian; this machine is big-endian, which is not supported.");
}
