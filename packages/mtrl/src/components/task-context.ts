import { ConfigError } from "@mtrl/core";
import { IndexError, indexSelect, type Engine, type Tensor } from "@mtrl/nn";

/**
 * What the components know about the tasks of one batch: each row's task index, the one-hot, and
 * the task encodings the agent's task encoder made for this pass. Built once per forward pass (an
 * update's critic step, its actor step, or `act`), so every component of that pass sees the same.
 *
 * Encodings are held per task ([numTasks, width]), not per row: whatever is a function of the task
 * alone (FiLM's γ and β, a mixture's routing weights, soft modularization's task embedding) is
 * computed on the numTasks rows and then gathered to the batch rows with `perRow` — at B = 1280 and
 * 10 tasks, 128 times less work than computing it per row, with the same values (the gradients
 * are summed per task by the gather's backward).
 */
export class TaskContext {
  /** Rows in the batch. */
  readonly rows: number;
  private oneHotTensor: Tensor | null = null;
  private encodings: Tensor | null = null;
  private rowEncodings: Tensor | null = null;

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
        throw new IndexError(`Task index ${task} (row ${i}) is outside [0, ${numTasks - 1}] for an agent built for ${numTasks} tasks.`);
      }
    }
  }

  /** A context whose rows are the tasks themselves, 0 … numTasks − 1 (to encode every task once). */
  static ofAllTasks(engine: Engine, numTasks: number, indices: Int32Array = Int32Array.from({ length: numTasks }, (_, task) => task)): TaskContext {
    return new TaskContext(engine, indices, numTasks);
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

  /** [numTasks, width]: the encoding of every task (set by the agent from its task encoder). */
  get taskEncodings(): Tensor {
    if (this.encodings === null) throw new ConfigError("TaskContext: the task encodings were read before the agent's task encoder set them.");
    return this.encodings;
  }

  /** [rows, width]: each row's task encoding. */
  get taskEncoding(): Tensor {
    this.rowEncodings ??= this.perRow(this.taskEncodings);
    return this.rowEncodings;
  }

  setTaskEncodings(encodings: Tensor): void {
    if (encodings.rank !== 2 || encodings.dim(0) !== this.numTasks) {
      throw new ConfigError(`TaskContext: task encodings need one row per task (${this.numTasks}), got ${encodings.describe()}.`);
    }
    this.encodings = encodings;
    this.rowEncodings = null;
  }

  /** The batch rows of a per-task tensor [numTasks, ...] → [rows, ...] (gradients summed per task). */
  perRow(perTask: Tensor): Tensor {
    return indexSelect(perTask, this.taskIndices);
  }
}
