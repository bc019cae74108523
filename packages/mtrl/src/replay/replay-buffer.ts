import { ConfigError, type Rng } from "@mtrl/mtenv";
import { FlatObservations, createObservationStore, historySlotsOf, type ObservationLayout, type ObservationStore, type SlotField } from "./observation-store.js";
import { previousSlot } from "./slot-ring.js";

export interface ReplayBufferOptions {
  /** Total transitions kept, split evenly across tasks (oldest overwritten first within a task). */
  capacity: number;
  numTasks: number;
  /** Flat size of one environment observation (task information is stored as the task index). */
  observationSize: number;
  actionSize: number;
  /** How observations are kept: flat float32 rows (default), or stacked pixel frames stored once each. */
  observationLayout?: ObservationLayout;
}

/** How `sample` picks transitions. */
export type ReplaySampling =
  /** Every stored transition equally likely (tasks in proportion to their data). */
  | "uniform"
  /** A task uniformly, then a transition of that task: each task gets ~batch/numTasks rows. */
  | "per-task-balanced";

/** A sampled minibatch; preallocate with `createBatch` and reuse so sampling allocates nothing. */
export interface ReplayBatch {
  readonly size: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  /** 1 − terminated: 0 only where the episode really ended (never for truncation). */
  readonly notDones: Float32Array;
  readonly taskIndices: Int32Array;
}

/**
 * Transitions in preallocated typed arrays, one ring segment per task. Storing the episode's true
 * final observation and `terminated` (not `terminated || truncated`) is the caller's contract;
 * the runner does it, and its tests pin it. Observations live in an `ObservationStore` chosen by
 * the layout: whole float32 rows, or stacked pixel frames kept once each as bytes (a task's segment
 * then has a few history slots beyond its capacity, which are never sampled).
 */
export class ReplayBuffer {
  readonly capacityPerTask: number;
  /** Ring slots per task: capacityPerTask plus the observation layout's history slots. */
  readonly slotsPerTask: number;
  readonly numTasks: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly observationStore: ObservationStore;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly notDones: Float32Array;
  /** Sampleable transitions per task (≤ capacityPerTask). */
  readonly sizes: Int32Array;
  /** Next write slot per task (ring position in [0, slotsPerTask)). */
  readonly positions: Int32Array;
  /** Total transitions ever added per task (for chunked saving). */
  readonly added: Float64Array;

  constructor(options: ReplayBufferOptions) {
    for (const key of ["capacity", "numTasks", "observationSize", "actionSize"] as const) {
      const value = options[key];
      if (!Number.isInteger(value) || value <= 0) {
        throw new ConfigError(`ReplayBuffer ${key} must be a positive integer, got ${value}.`);
      }
    }
    if (options.capacity < options.numTasks) {
      throw new ConfigError(`ReplayBuffer capacity (${options.capacity}) must be at least numTasks (${options.numTasks}): each task needs room.`);
    }
    this.numTasks = options.numTasks;
    this.capacityPerTask = Math.floor(options.capacity / options.numTasks);
    this.observationSize = options.observationSize;
    this.actionSize = options.actionSize;
    const layout = options.observationLayout ?? { type: "flat" };
    this.slotsPerTask = this.capacityPerTask + historySlotsOf(layout);
    this.observationStore = createObservationStore(layout, this, this.capacityPerTask, this.observationSize);
    const slots = this.slotsPerTask * this.numTasks;
    this.actions = new Float32Array(slots * this.actionSize);
    this.rewards = new Float32Array(slots);
    this.notDones = new Float32Array(slots);
    this.sizes = new Int32Array(this.numTasks);
    this.positions = new Int32Array(this.numTasks);
    this.added = new Float64Array(this.numTasks);
  }

  /** Transitions stored over all tasks. */
  get size(): number {
    return this.sizes.reduce((total, n) => total + n, 0);
  }

  get observationLayout(): ObservationLayout {
    return this.observationStore.layout;
  }

  /** Whole observation rows of the flat layout (the frame-stack layout has none). */
  get observations(): Float32Array {
    return this.flatStore("observations").observations;
  }

  get nextObservations(): Float32Array {
    return this.flatStore("nextObservations").nextObservations;
  }

  /** Slots of `task` holding data (sampleable transitions and their history). */
  storedSlots(task: number): number {
    return Math.min(this.added[task]!, this.slotsPerTask);
  }

  /** Every per-slot array in replay-file order: the observation store's, then actions, rewards, notDones. */
  get slotFields(): readonly SlotField[] {
    return [
      ...this.observationStore.fields,
      { name: "actions", array: this.actions, width: this.actionSize },
      { name: "rewards", array: this.rewards, width: 1 },
      { name: "notDones", array: this.notDones, width: 1 },
    ];
  }

  /** Bytes of storage per sampleable transition (history slots included). */
  get bytesPerTransition(): number {
    const bytes = this.slotFields.reduce((total, field) => total + field.array.byteLength, 0);
    return bytes / (this.capacityPerTask * this.numTasks);
  }

  /**
   * Stores one transition of `task`. Arrays are read from `offset`s so that rows of batched
   * vector-env buffers can be passed without slicing.
   */
  add(
    task: number,
    observation: ArrayLike<number>, observationOffset: number,
    action: ArrayLike<number>, actionOffset: number,
    reward: number,
    nextObservation: ArrayLike<number>, nextObservationOffset: number,
    terminated: boolean,
  ): void {
    if (!Number.isInteger(task) || task < 0 || task >= this.numTasks) {
      throw new ConfigError(`ReplayBuffer task index must be an integer in [0, ${this.numTasks - 1}], got ${task}.`);
    }
    const slot = task * this.slotsPerTask + this.positions[task]!;
    const previous = this.added[task]! > 0 ? previousSlot(this, slot, 1) : -1;
    this.observationStore.write(slot, previous, observation, observationOffset, nextObservation, nextObservationOffset);
    copyRow(action, actionOffset, this.actions, slot * this.actionSize, this.actionSize);
    this.rewards[slot] = reward;
    this.notDones[slot] = terminated ? 0 : 1;
    this.positions[task] = (this.positions[task]! + 1) % this.slotsPerTask;
    this.sizes[task] = Math.min(this.sizes[task]! + 1, this.capacityPerTask);
    this.added[task] = this.added[task]! + 1;
  }

  createBatch(size: number): ReplayBatch {
    return {
      size,
      observations: new Float32Array(size * this.observationSize),
      actions: new Float32Array(size * this.actionSize),
      rewards: new Float32Array(size),
      nextObservations: new Float32Array(size * this.observationSize),
      notDones: new Float32Array(size),
      taskIndices: new Int32Array(size),
    };
  }

  /** Fills `batch` with transitions drawn with `rng` (which the caller seeds and checkpoints). */
  sample(batch: ReplayBatch, rng: Rng, sampling: ReplaySampling = "uniform"): ReplayBatch {
    const total = this.size;
    if (total === 0) throw new ConfigError("ReplayBuffer.sample() called on an empty buffer: add transitions (warm-up steps) first.");
    const tasksWithData: number[] = [];
    for (let task = 0; task < this.numTasks; task++) if (this.sizes[task]! > 0) tasksWithData.push(task);
    for (let row = 0; row < batch.size; row++) {
      let task: number;
      let index: number;
      if (sampling === "per-task-balanced") {
        task = tasksWithData[rng.integers(0, tasksWithData.length)]!;
        index = rng.integers(0, this.sizes[task]!);
      } else {
        // A global index over the concatenated task segments.
        let flat = rng.integers(0, total);
        task = 0;
        while (flat >= this.sizes[task]!) flat -= this.sizes[task++]!;
        index = flat;
      }
      const slot = this.slotOf(task, index);
      batch.taskIndices[row] = task;
      batch.rewards[row] = this.rewards[slot]!;
      batch.notDones[row] = this.notDones[slot]!;
      this.observationStore.read(slot, batch.observations, row * this.observationSize, batch.nextObservations, row * this.observationSize);
      batch.actions.set(this.actions.subarray(slot * this.actionSize, (slot + 1) * this.actionSize), row * this.actionSize);
    }
    return batch;
  }

  /**
   * The slot of `task`'s index-th sampleable transition. Without history slots that is the ring
   * position itself (as it always was); with them, the newest `sizes[task]` slots in order.
   */
  slotOf(task: number, index: number): number {
    if (this.slotsPerTask === this.capacityPerTask) return task * this.slotsPerTask + index;
    const position = (this.positions[task]! - this.sizes[task]! + index + 2 * this.slotsPerTask) % this.slotsPerTask;
    return task * this.slotsPerTask + position;
  }

  private flatStore(field: string): FlatObservations {
    if (!(this.observationStore instanceof FlatObservations)) {
      throw new ConfigError(`ReplayBuffer.${field} exists only in the flat layout; this buffer stores ${this.observationStore.layout.type} observations. Sample a batch to read them.`);
    }
    return this.observationStore;
  }
}

function copyRow(source: ArrayLike<number>, sourceOffset: number, target: Float32Array, targetOffset: number, length: number): void {
  for (let i = 0; i < length; i++) target[targetOffset + i] = source[sourceOffset + i]!;
}
