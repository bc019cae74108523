import { ConfigError, type Rng } from "@mtrl/mtenv";

export interface ReplayBufferOptions {
  /** Total transitions kept, split evenly across tasks (oldest overwritten first within a task). */
  capacity: number;
  numTasks: number;
  /** Flat size of one environment observation (task information is stored as the task index). */
  observationSize: number;
  actionSize: number;
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
 * the runner does it, and its tests pin it.
 */
export class ReplayBuffer {
  readonly capacityPerTask: number;
  readonly numTasks: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  readonly notDones: Float32Array;
  /** Transitions stored per task (≤ capacityPerTask). */
  readonly sizes: Int32Array;
  /** Next write slot per task. */
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
    const slots = this.capacityPerTask * this.numTasks;
    this.observations = new Float32Array(slots * this.observationSize);
    this.nextObservations = new Float32Array(slots * this.observationSize);
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
    const slot = task * this.capacityPerTask + this.positions[task]!;
    copyRow(observation, observationOffset, this.observations, slot * this.observationSize, this.observationSize);
    copyRow(nextObservation, nextObservationOffset, this.nextObservations, slot * this.observationSize, this.observationSize);
    copyRow(action, actionOffset, this.actions, slot * this.actionSize, this.actionSize);
    this.rewards[slot] = reward;
    this.notDones[slot] = terminated ? 0 : 1;
    this.positions[task] = (this.positions[task]! + 1) % this.capacityPerTask;
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
      const slot = task * this.capacityPerTask + index;
      batch.taskIndices[row] = task;
      batch.rewards[row] = this.rewards[slot]!;
      batch.notDones[row] = this.notDones[slot]!;
      batch.observations.set(this.observations.subarray(slot * this.observationSize, (slot + 1) * this.observationSize), row * this.observationSize);
      batch.nextObservations.set(this.nextObservations.subarray(slot * this.observationSize, (slot + 1) * this.observationSize), row * this.observationSize);
      batch.actions.set(this.actions.subarray(slot * this.actionSize, (slot + 1) * this.actionSize), row * this.actionSize);
    }
    return batch;
  }
}

function copyRow(source: ArrayLike<number>, sourceOffset: number, target: Float32Array, targetOffset: number, length: number): void {
  for (let i = 0; i < length; i++) target[targetOffset + i] = source[sourceOffset + i]!;
}
