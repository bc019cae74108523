import { ConfigError } from "@mtrl/core";
import { mean, type Engine, type Tensor } from "@mtrl/nn";
import type { BatchLoss, OptimizedGroup } from "../component.js";
import type { TaskContext } from "../task-context.js";

/** Where one parameter's gradient sits in a row of the per-task gradient matrix. */
interface Column {
  readonly tensor: Tensor;
  /** First column of the tensor in the matrix row. */
  readonly offset: number;
}

/**
 * The gradient of every task's loss w.r.t. the parameters of the groups a gradient step updates,
 * as one matrix [numTasks × width]: row t = d(mean loss of task t's rows)/d(parameters).
 *
 * Columns are ordered shared parameters first (`sharedWidth` of them), then task-specific ones
 * (per-task heads), so surgery on the shared part is one GEMM over a leading block of each row.
 *
 * Each task's gradient comes from a forward and a backward pass over that task's rows only
 * (`BatchLoss.forward(rows)`), inside an arena mark released right after: the T passes together
 * touch each row once, so their cost is close to one pass over the batch, and the step's memory
 * does not grow with the number of tasks. Tasks without rows in the batch get a zero row and
 * `active[t] = 0`.
 */
export class TaskGradients {
  /** [numTasks × width] in backend memory (GEMM operands without copies). */
  readonly matrix: Float32Array;
  readonly width: number;
  readonly sharedWidth: number;
  /** Mean loss of each task's rows in the last `compute` (0 for tasks without rows). */
  readonly losses: Float64Array;
  /** Rows of each task in the last batch. */
  readonly counts: Int32Array;
  private readonly columns: Column[];
  private readonly wrt: Tensor[];
  /** Each parameter's own gradient buffer (its slice of the group's flat block, which Adam reads). */
  private readonly ownGrads: Float32Array[];
  /** Column ranges [start, end) of the last shared layer, for GradNorm's norms. */
  readonly lastSharedRanges: Array<readonly [number, number]>;
  /** Batch rows sorted by task (stable), cached per batch size. */
  private sortedRows = new Int32Array(0);
  private readonly starts: Int32Array;
  private readonly cursor: Int32Array;

  constructor(
    private readonly engine: Engine,
    readonly numTasks: number,
    groups: readonly OptimizedGroup[],
  ) {
    const specific = new Set(groups.flatMap((group) => group.taskSpecific ?? []));
    const lastShared = new Set(groups.flatMap((group) => group.lastSharedLayer ?? []));
    const all = groups.flatMap((group) => group.params.tensors).filter((tensor) => tensor.requiresGrad);
    const ordered = [...all.filter((tensor) => !specific.has(tensor)), ...all.filter((tensor) => specific.has(tensor))];
    let offset = 0;
    this.columns = ordered.map((tensor) => {
      const column = { tensor, offset };
      offset += tensor.size;
      return column;
    });
    this.width = offset;
    this.sharedWidth = all.filter((tensor) => !specific.has(tensor)).reduce((total, tensor) => total + tensor.size, 0);
    this.lastSharedRanges = this.columns.filter((column) => lastShared.has(column.tensor)).map((column) => [column.offset, column.offset + column.tensor.size] as const);
    this.wrt = ordered;
    this.ownGrads = ordered.map((tensor) => {
      if (tensor.grad === null) throw new ConfigError(`TaskGradients: parameter ${tensor.name} has no gradient buffer; create it through a ParameterStore.`);
      return tensor.grad;
    });
    this.matrix = engine.kernels.allocate(numTasks * this.width);
    this.losses = new Float64Array(numTasks);
    this.counts = new Int32Array(numTasks);
    this.starts = new Int32Array(numTasks + 1);
    this.cursor = new Int32Array(numTasks);
  }

  /** Runs one forward + backward pass per task present in the batch and fills `matrix`, `losses`, `counts`. */
  compute(loss: BatchLoss, context: TaskContext): void {
    const { numTasks, width, engine } = this;
    const taskIndices = context.taskIndices;
    if (context.numTasks !== numTasks) {
      throw new ConfigError(`Gradient step built for ${numTasks} tasks got a batch of ${context.numTasks}; build the agent for the env's task count.`);
    }
    this.sortRowsByTask(taskIndices);
    const arena = engine.arena;
    for (let task = 0; task < numTasks; task++) {
      const row = this.matrix.subarray(task * width, (task + 1) * width);
      if (this.counts[task] === 0) {
        row.fill(0);
        this.losses[task] = 0;
        continue;
      }
      const mark = arena.mark();
      const taskLoss = mean(loss.forward(this.sortedRows.subarray(this.starts[task]!, this.starts[task + 1]!)));
      // The backward pass writes each parameter's gradient straight into the task's matrix row.
      for (const { tensor, offset } of this.columns) tensor.grad = row.subarray(offset, offset + tensor.size);
      try {
        engine.backward(taskLoss, this.wrt);
      } finally {
        this.columns.forEach(({ tensor }, i) => (tensor.grad = this.ownGrads[i]!));
      }
      this.losses[task] = taskLoss.item();
      arena.release(mark);
    }
  }

  /** Whether task t had rows in the last batch. */
  active(task: number): boolean {
    return this.counts[task]! > 0;
  }

  /** The mean per-row loss of the last batch (what the plain step reports). */
  batchMeanLoss(): number {
    let total = 0;
    let rows = 0;
    for (let task = 0; task < this.numTasks; task++) {
      total += this.losses[task]! * this.counts[task]!;
      rows += this.counts[task]!;
    }
    return rows === 0 ? 0 : total / rows;
  }

  /** Writes a combined gradient row [width] back into the parameters' gradients (then the groups' optimizers step). */
  writeGradient(combined: Float32Array): void {
    for (const { tensor, offset } of this.columns) tensor.grad!.set(combined.subarray(offset, offset + tensor.size));
  }

  private sortRowsByTask(taskIndices: Int32Array): void {
    const rows = taskIndices.length;
    if (this.sortedRows.length !== rows) this.sortedRows = new Int32Array(rows);
    this.counts.fill(0);
    for (let i = 0; i < rows; i++) this.counts[taskIndices[i]!]!++;
    this.starts[0] = 0;
    for (let task = 0; task < this.numTasks; task++) this.starts[task + 1] = this.starts[task]! + this.counts[task]!;
    const cursor = this.cursor;
    cursor.set(this.starts.subarray(0, this.numTasks));
    for (let i = 0; i < rows; i++) this.sortedRows[cursor[taskIndices[i]!]!++] = i;
  }
}

/** The gradient surgery steps need tasks to compare: a clear error when there is one. */
export function requireSeveralTasks(stepName: string, numTasks: number): void {
  if (numTasks < 2) {
    throw new ConfigError(
      `agent.gradient.type=${stepName} combines the gradients of several tasks, but the env has ${numTasks} task. Use agent.gradient.type=plain for a single task, or an env with env.numTasks >= 2.`,
    );
  }
}
