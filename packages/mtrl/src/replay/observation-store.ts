import { ConfigError } from "@mtrl/core";
import { FrameStackObservations } from "./frame-stack-observations.js";
import type { SlotRing } from "./slot-ring.js";

/**
 * How a replay buffer keeps observations.
 * - `flat`: every observation and next observation whole, as float32 (any observation).
 * - `frame-stack`: the observation is `frames` frames of `frameSize` bytes each, oldest first, as
 *   pixel envs stack them (reset repeats the first frame, each step drops the oldest and appends
 *   one); each transition keeps only the newest frame of its observation and of its next
 *   observation, and stacks are rebuilt from the frames of the transitions before it.
 */
export type ObservationLayout =
  | { readonly type: "flat" }
  | { readonly type: "frame-stack"; readonly frames: number; readonly frameSize: number };

/** One per-slot array of a buffer: `width` elements per transition slot. */
export interface SlotField {
  readonly name: string;
  readonly array: Float32Array | Uint8Array;
  readonly width: number;
}

/**
 * The observation half of a replay buffer. Slots are global (task · slotsPerTask + ring position);
 * `previousSlot(ring, slot, back)` walks back within the slot's task ring.
 */
export interface ObservationStore {
  readonly layout: ObservationLayout;
  /**
   * Slots each task keeps beyond its capacity as history only (never sampled): the frames older
   * transitions' stacks are rebuilt from.
   */
  readonly historySlots: number;
  /** The per-slot arrays, in the order replay files store them. */
  readonly fields: readonly SlotField[];
  /** Stores one transition's observations at `slot`; `previous` is the task's newest slot, or -1. */
  write(slot: number, previous: number, observation: ArrayLike<number>, observationOffset: number, next: ArrayLike<number>, nextOffset: number): void;
  /** Writes the observation and next observation of `slot` as floats at the given offsets. */
  read(slot: number, observation: Float32Array, observationOffset: number, next: Float32Array, nextOffset: number): void;
}

/** Observations and next observations stored whole as float32 rows. */
export class FlatObservations implements ObservationStore {
  readonly layout: ObservationLayout = { type: "flat" };
  readonly historySlots = 0;
  readonly observations: Float32Array;
  readonly nextObservations: Float32Array;
  readonly fields: readonly SlotField[];

  constructor(
    slots: number,
    readonly observationSize: number,
  ) {
    this.observations = new Float32Array(slots * observationSize);
    this.nextObservations = new Float32Array(slots * observationSize);
    this.fields = [
      { name: "observations", array: this.observations, width: observationSize },
      { name: "nextObservations", array: this.nextObservations, width: observationSize },
    ];
  }

  write(slot: number, _previous: number, observation: ArrayLike<number>, observationOffset: number, next: ArrayLike<number>, nextOffset: number): void {
    const size = this.observationSize;
    for (let i = 0; i < size; i++) {
      this.observations[slot * size + i] = observation[observationOffset + i]!;
      this.nextObservations[slot * size + i] = next[nextOffset + i]!;
    }
  }

  read(slot: number, observation: Float32Array, observationOffset: number, next: Float32Array, nextOffset: number): void {
    const size = this.observationSize;
    observation.set(this.observations.subarray(slot * size, (slot + 1) * size), observationOffset);
    next.set(this.nextObservations.subarray(slot * size, (slot + 1) * size), nextOffset);
  }
}

/** Builds the store of `layout`, checking that it fits observations of `observationSize` values. */
export function createObservationStore(layout: ObservationLayout, ring: SlotRing, capacityPerTask: number, observationSize: number): ObservationStore {
  if (layout.type === "flat") return new FlatObservations(ring.slotsPerTask * ring.numTasks, observationSize);
  if (layout.type !== "frame-stack") {
    throw new ConfigError(`Replay observation layout must be { type: "flat" } or { type: "frame-stack", frames, frameSize }, got ${JSON.stringify(layout)}.`);
  }
  const { frames, frameSize } = layout;
  if (!Number.isInteger(frames) || frames < 1 || frames > 255 || !Number.isInteger(frameSize) || frameSize < 1 || frames * frameSize !== observationSize) {
    throw new ConfigError(
      `A frame-stack replay needs frames (1–255) × frameSize = observationSize (${observationSize}), got frames=${frames} and frameSize=${frameSize}. ` +
        `For pixels [3·k, H, W] use frames = k and frameSize = 3·H·W, or the flat layout.`,
    );
  }
  return new FrameStackObservations(ring, capacityPerTask, frames, frameSize);
}

/** Slots per task a layout needs for `capacityPerTask` sampleable transitions. */
export function historySlotsOf(layout: ObservationLayout): number {
  return layout.type === "frame-stack" ? layout.frames - 1 : 0;
}
