import { ConfigError } from "@mtrl/mtenv";
import type { Engine, Tensor } from "@mtrl/nn";

/**
 * What the components know about the tasks of one batch: each row's task index, and the tensors
 * derived from it on demand — the one-hot, and the task encoding the agent's task encoder made for
 * this batch. Built once per forward pass (an update's critic step, its actor step, or `act`), so
 * every component of that pass sees the same rows.
 */
export class TaskContext {
  /** Rows in the batch. */
  readonly rows: number;
  private oneHotTensor: Tensor | null = null;
  private encoding: Tensor | null = null;

  constructor(
    readonly engine: Engine,
    /** Task of each row, in [0, numTasks). */
    readonly taskIndices: Int32Array,
    readonly numTasks: number,
  ) {
    this.rows = taskIndices.length;
    for (let i = 0; i < taskIndices.length; i++) {
      const task = taskIndices[i]!;
      if (!(task >= 0 && task < numTasks)) {
        throw new ConfigError(`Task index ${task} (row ${i}) is outside [0, ${numTasks - 1}] for an agent built for ${numTasks} tasks.`);
      }
    }
  }

  /** [rows, numTasks], no gradient: the task as a one-hot (MT-SAC's task input). */
  oneHot(): Tensor {
    if (this.oneHotTensor === null) {
      const tensor = this.engine.empty([this.rows, this.numTasks]);
      tensor.data.fill(0);
      for (let i = 0; i < this.rows; i++) tensor.data[i * this.numTasks + this.taskIndices[i]!] = 1;
      this.oneHotTensor = tensor;
    }
    return this.oneHotTensor;
  }

  /** The task encoding of this batch, [rows, encodingSize] (set by the agent from its task encoder). */
  get taskEncoding(): Tensor {
    if (this.encoding === null) throw new ConfigError("TaskContext: the task encoding was read before the agent's task encoder set it.");
    return this.encoding;
  }

  setTaskEncoding(encoding: Tensor): void {
    if (encoding.dim(0) !== this.rows) {
      throw new ConfigError(`TaskContext: a task encoding needs one row per batch row (${this.rows}), got ${encoding.describe()}.`);
    }
    this.encoding = encoding;
  }
}
