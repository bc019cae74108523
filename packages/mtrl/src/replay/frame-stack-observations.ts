import { MTError } from "@mtrl/core";
import type { ObservationLayout, ObservationStore, SlotField } from "./observation-store.js";
import { previousSlot, type SlotRing } from "./slot-ring.js";

/** An observation that the frame-stack layout cannot store exactly. */
export class FrameStackLayoutError extends MTError {}

/**
 * Stacked pixel observations stored one frame at a time, as bytes. Slot s keeps the newest frame of
 * its observation, the newest frame of its next observation, and its stack depth d (how many of the
 * transitions just before it belong to the same episode, at most frames − 1). The observation's
 * stack is then the newest frames of slots s − (frames − 1) … s, where any slot before the
 * episode's first stands for that first frame (reset repeats it), and the next observation's stack is
 * that stack shifted by one with the slot's next frame appended.
 *
 * Exact by construction: `write` accepts an observation only if it is the previous transition's next
 * observation (the episode goes on) or `frames` copies of one frame (an episode starts), and a next
 * observation only if it is the observation shifted by one frame — otherwise a FrameStackLayoutError
 * says why. Every task keeps frames − 1 slots beyond its capacity as history, so the stacks of all
 * sampleable transitions can be rebuilt.
 *
 * Per transition: 2 · frameSize + 1 bytes, against 2 · frames · frameSize · 4 for float32 stacks —
 * 1/12 of it for three stacked frames.
 */
export class FrameStackObservations implements ObservationStore {
  readonly layout: ObservationLayout;
  readonly historySlots: number;
  readonly fields: readonly SlotField[];
  /** Newest frame of each slot's observation. */
  readonly frames: Uint8Array;
  /** Newest frame of each slot's next observation. */
  readonly nextFrames: Uint8Array;
  /** How many earlier slots of the same episode each slot's stack reaches back to (≤ frames − 1). */
  readonly stackDepths: Uint8Array;

  constructor(
    private readonly ring: SlotRing,
    capacityPerTask: number,
    readonly framesPerStack: number,
    readonly frameSize: number,
  ) {
    this.layout = { type: "frame-stack", frames: framesPerStack, frameSize };
    this.historySlots = framesPerStack - 1;
    if (ring.slotsPerTask !== capacityPerTask + this.historySlots) {
      throw new RangeError(`FrameStackObservations: slotsPerTask must be capacity + ${this.historySlots} history slots, got ${ring.slotsPerTask}.`);
    }
    const slots = ring.slotsPerTask * ring.numTasks;
    this.frames = new Uint8Array(slots * frameSize);
    this.nextFrames = new Uint8Array(slots * frameSize);
    this.stackDepths = new Uint8Array(slots);
    this.fields = [
      { name: "frames", array: this.frames, width: frameSize },
      { name: "nextFrames", array: this.nextFrames, width: frameSize },
      { name: "stackDepths", array: this.stackDepths, width: 1 },
    ];
  }

  write(slot: number, previous: number, observation: ArrayLike<number>, observationOffset: number, next: ArrayLike<number>, nextOffset: number): void {
    const { framesPerStack: k, frameSize } = this;
    const newest = observationOffset + (k - 1) * frameSize;
    this.checkBytes(observation, newest, "observation");
    this.checkBytes(next, nextOffset + (k - 1) * frameSize, "next observation");
    for (let j = 0; j < k - 1; j++) {
      if (!sameValues(next, nextOffset + j * frameSize, observation, observationOffset + (j + 1) * frameSize, frameSize)) {
        throw new FrameStackLayoutError(
          `Frame-stack replay: frame ${j} of the next observation differs from frame ${j + 1} of the observation, so the next observation is not ` +
            `the observation shifted by one frame (oldest first). Use replay.observations=flat for this env, or an env that stacks frames oldest first.`,
        );
      }
    }
    let depth: number;
    if (previous >= 0 && this.continuesFrom(previous, observation, observationOffset)) {
      depth = Math.min(this.stackDepths[previous]! + 1, k - 1);
    } else if (this.isRepeatedFrame(observation, observationOffset)) {
      depth = 0;
    } else {
      throw new FrameStackLayoutError(
        `Frame-stack replay: the observation neither continues the task's previous transition (it differs from that transition's next observation) ` +
          `nor starts an episode (${k} copies of one frame). Add transitions of each task in episode order, or use replay.observations=flat.`,
      );
    }
    copyFrame(observation, newest, this.frames, slot * frameSize, frameSize);
    copyFrame(next, nextOffset + (k - 1) * frameSize, this.nextFrames, slot * frameSize, frameSize);
    this.stackDepths[slot] = depth;
  }

  read(slot: number, observation: Float32Array, observationOffset: number, next: Float32Array, nextOffset: number): void {
    const { framesPerStack: k, frameSize } = this;
    for (let j = 0; j < k; j++) {
      const source = this.frameSlot(slot, j) * frameSize;
      const frame = this.frames.subarray(source, source + frameSize);
      observation.set(frame, observationOffset + j * frameSize);
      if (j > 0) next.set(frame, nextOffset + (j - 1) * frameSize);
    }
    next.set(this.nextFrames.subarray(slot * frameSize, (slot + 1) * frameSize), nextOffset + (k - 1) * frameSize);
  }

  /** The slot whose `frames` entry is frame j (0 = oldest) of `slot`'s observation stack. */
  private frameSlot(slot: number, j: number): number {
    const back = Math.min(this.framesPerStack - 1 - j, this.stackDepths[slot]!);
    return back === 0 ? slot : previousSlot(this.ring, slot, back);
  }

  /** Whether `observation` equals the next observation stored at `previous`. */
  private continuesFrom(previous: number, observation: ArrayLike<number>, offset: number): boolean {
    const { framesPerStack: k, frameSize } = this;
    for (let j = 0; j < k - 1; j++) {
      const source = this.frameSlot(previous, j + 1) * frameSize;
      if (!sameValues(observation, offset + j * frameSize, this.frames, source, frameSize)) return false;
    }
    return sameValues(observation, offset + (k - 1) * frameSize, this.nextFrames, previous * frameSize, frameSize);
  }

  private isRepeatedFrame(observation: ArrayLike<number>, offset: number): boolean {
    const { framesPerStack: k, frameSize } = this;
    for (let j = 0; j < k - 1; j++) if (!sameValues(observation, offset + j * frameSize, observation, offset + (k - 1) * frameSize, frameSize)) return false;
    return true;
  }

  private checkBytes(values: ArrayLike<number>, offset: number, what: string): void {
    for (let i = 0; i < this.frameSize; i++) {
      const value = values[offset + i]!;
      if (!(Number.isInteger(value) && value >= 0 && value <= 255)) {
        throw new FrameStackLayoutError(
          `Frame-stack replay stores bytes, but element ${i} of the ${what}'s newest frame is ${value}. Use replay.observations=flat for observations that are not pixels 0–255.`,
        );
      }
    }
  }
}

function sameValues(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

function copyFrame(values: ArrayLike<number>, offset: number, target: Uint8Array, targetOffset: number, length: number): void {
  for (let i = 0; i < length; i++) target[targetOffset + i] = values[offset + i]!;
}
