import { GradientError, IndexError, ShapeError } from "../errors.js";
import type { ParameterStore } from "../modules/parameter-store.js";
import type { Tensor } from "../tensor/tensor.js";

/** How the rows of one task are combined into that task's loss. */
export type TaskLossReduction = "mean" | "sum";

/** Options of `perTaskGradients`. */
export interface PerTaskGradientOptions {
  /** Each task's loss is the mean (default) or the sum of its rows' losses. */
  readonly reduction?: TaskLossReduction;
}

/**
 * The gradient of every task's loss w.r.t. one parameter group, written to `out` as
 * [numTasks × group.size] (row t = d(loss of task t)/d(group), in the group's flat order). A task
 * without rows in the batch gets a zero row. Returns the number of rows each task had.
 *
 * One backward pass per task over the same graph (the tape is kept until the last one), each seeded
 * with the task's row mask — the building block of gradient surgery (PCGrad, GradNorm). Every pass
 * allocates its intermediate gradients inside an arena mark that is released right after, so the
 * memory used does not grow with the number of tasks or of updates.
 *
 * `perRowLoss` is one loss per row ([B] or [B, 1], e.g. `mseLoss(q, target, { reduction: "none" })`);
 * `taskIndices[b]` is row b's task. After the call the tape is cleared and `group`'s own gradients
 * hold the last task's gradient: use `out`.
 */
export function perTaskGradients(
  perRowLoss: Tensor,
  taskIndices: Int32Array,
  numTasks: number,
  group: ParameterStore,
  out: Float32Array,
  options: PerTaskGradientOptions = {},
): Int32Array {
  const engine = perRowLoss.engine;
  engine.check(perRowLoss);
  const rows = taskIndices.length;
  if (perRowLoss.size !== rows || (perRowLoss.rank > 1 && perRowLoss.dim(0) !== rows)) {
    throw new ShapeError(`perTaskGradients: expected one loss per row ([${rows}] or [${rows}, 1]) for ${rows} task indices, got ${perRowLoss.describe()}. Use a per-row loss (reduction "none").`);
  }
  if (!Number.isInteger(numTasks) || numTasks < 1) throw new ShapeError(`perTaskGradients: numTasks must be a positive integer, got ${numTasks}.`);
  const width = group.size;
  if (out.length !== numTasks * width) {
    throw new ShapeError(`perTaskGradients: out must hold numTasks × group size = ${numTasks} × ${width} = ${numTasks * width} values, got ${out.length}.`);
  }
  if (!perRowLoss.requiresGrad) {
    throw new GradientError(`perTaskGradients: ${perRowLoss.describe()} does not depend on any tensor that requires a gradient; compute it with grad enabled from the group's parameters.`);
  }
  const counts = new Int32Array(numTasks);
  for (let i = 0; i < rows; i++) {
    const task = taskIndices[i]!;
    if (!Number.isInteger(task) || task < 0 || task >= numTasks) {
      throw new IndexError(`perTaskGradients: row ${i} has task ${task}, expected an integer in [0, ${numTasks - 1}].`);
    }
    counts[task]!++;
  }
  const grads = group.flat().grads;
  const mean = (options.reduction ?? "mean") === "mean";
  const arena = engine.arena;
  const tasksWithRows: number[] = [];
  for (let task = 0; task < numTasks; task++) {
    if (counts[task]! > 0) tasksWithRows.push(task);
    else out.fill(0, task * width, (task + 1) * width);
  }
  for (let k = 0; k < tasksWithRows.length; k++) {
    const task = tasksWithRows[k]!;
    const mark = arena.mark();
    const seed = arena.allocateTransient(rows);
    const weight = mean ? 1 / counts[task]! : 1;
    for (let i = 0; i < rows; i++) seed[i] = taskIndices[i] === task ? weight : 0;
    engine.backward(perRowLoss, group.tensors, { seed, retainGraph: k + 1 < tasksWithRows.length });
    out.set(grads, task * width);
    arena.release(mark);
  }
  if (tasksWithRows.length === 0) engine.clearTape();
  return counts;
}
