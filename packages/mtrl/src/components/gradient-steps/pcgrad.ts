import { Rng, type RngState } from "@mtrl/core";
import type { Kernels } from "@mtrl/nn";
import { z } from "zod";
import { defineComponent, type BatchLoss, type GradientStep, type OptimizedGroup } from "../component.js";
import type { TaskContext } from "../task-context.js";
import { TaskGradients, requireSeveralTasks } from "./task-gradients.js";

/** Per-task gradients as rows of a matrix whose first `sharedWidth` columns are the shared parameters. */
export interface GradientRows {
  readonly matrix: Float32Array;
  readonly numTasks: number;
  readonly width: number;
  readonly sharedWidth: number;
  active(task: number): boolean;
}

/** Added to a gradient's norm before dividing by it (the reference's 1e-8): a zero gradient projects nothing. */
const normEpsilon = 1e-8;

/**
 * PCGrad's surgery (Yu et al., 2020) on the shared columns, combined into `out` [width]:
 * for each task i, in the order `orders[i]` (the other active tasks), its gradient — already
 * modified by earlier projections — loses its component along task j's original gradient when the
 * two conflict (negative dot product): g_i ← g_i − min(g_i · ĝ_j, 0) ĝ_j with ĝ_j = g_j / (|g_j| + ε).
 * The modified gradients are summed or averaged over the active tasks; task-specific columns get the
 * same sum or average of their plain per-task gradients (no task shares them, so there is nothing to
 * project).
 *
 * Every modified gradient stays a combination Σ_k C_ik g_k of the originals, so the projections run
 * on the T × T Gram matrix of the shared gradients (one GEMM) instead of on parameter-sized vectors,
 * and the result is one more GEMM: cost ≈ (T + 1) passes over the T × P matrix, not T² of them.
 */
export function projectConflictingGradients(kernels: Kernels, rows: GradientRows, orders: readonly (readonly number[])[], combine: "sum" | "mean", out: Float32Array, scratch = PCGradScratch.for(kernels, rows.numTasks)): void {
  const { matrix, numTasks: T, width, sharedWidth } = rows;
  const { gram, coefficients, weights } = scratch;
  kernels.gemm(false, true, T, T, sharedWidth, 1, matrix, width, matrix, width, 0, gram, T);
  coefficients.fill(0);
  let activeTasks = 0;
  for (let i = 0; i < T; i++) {
    coefficients[i * T + i] = 1;
    if (rows.active(i)) activeTasks++;
  }
  const rounds = orders.reduce((most, order) => Math.max(most, order.length), 0);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < T; i++) {
      const j = orders[i]?.[round];
      if (j === undefined || !rows.active(i)) continue;
      const norm = Math.sqrt(Math.max(gram[j * T + j]!, 0)) + normEpsilon;
      // (g_i as modified so far) · g_j = Σ_k C_ik G_kj.
      let dot = 0;
      for (let k = 0; k < T; k++) dot += coefficients[i * T + k]! * gram[k * T + j]!;
      dot /= norm;
      if (dot < 0) coefficients[i * T + j] = coefficients[i * T + j]! - dot / norm;
    }
  }
  const scale = combine === "mean" && activeTasks > 0 ? 1 / activeTasks : 1;
  for (let k = 0; k < T; k++) {
    let total = 0;
    for (let i = 0; i < T; i++) if (rows.active(i)) total += coefficients[i * T + k]!;
    weights[k] = total * scale;
  }
  kernels.gemm(false, false, 1, sharedWidth, T, 1, weights, T, matrix, width, 0, out, width);
  if (sharedWidth < width) {
    for (let k = 0; k < T; k++) weights[k] = rows.active(k) ? scale : 0;
    kernels.gemm(false, false, 1, width - sharedWidth, T, 1, weights, T, matrix.subarray(sharedWidth), width, 0, out.subarray(sharedWidth), width);
  }
}

/** The small buffers of the surgery, allocated once per gradient step. */
export class PCGradScratch {
  private constructor(
    readonly gram: Float32Array,
    readonly coefficients: Float64Array,
    readonly weights: Float32Array,
  ) {}

  static for(kernels: Kernels, numTasks: number): PCGradScratch {
    return new PCGradScratch(kernels.allocate(numTasks * numTasks), new Float64Array(numTasks * numTasks), kernels.allocate(numTasks));
  }
}

/**
 * For each task, the order in which it is projected off the other active tasks: an independent
 * shuffle per task (as the reference does), drawn from `rng`.
 */
export function drawProjectionOrders(rng: Rng, rows: Pick<GradientRows, "numTasks" | "active">): number[][] {
  const orders: number[][] = [];
  for (let i = 0; i < rows.numTasks; i++) {
    const others: number[] = [];
    for (let j = 0; j < rows.numTasks; j++) if (j !== i && rows.active(j)) others.push(j);
    orders.push(rng.permutation(others.length).map((index) => others[index]!));
  }
  return orders;
}

/** PCGrad as a gradient step: per-task gradients (one pass per task's rows), surgery, one optimizer step. */
export const pcgradGradientStep = defineComponent({
  kind: "gradient",
  type: "pcgrad",
  summary: "PCGrad: per-task gradients of the shared parameters, each projected off the others it conflicts with (seeded order), summed or averaged",
  schema: z.strictObject({
    /** Projecting conflicting gradients (Yu et al., 2020). */
    type: z.literal("pcgrad"),
    /** How the projected task gradients are combined: their mean (the reference) or their sum. */
    combine: z.enum(["mean", "sum"]).default("mean"),
  }),
  build: (config, context): GradientStep => {
    requireSeveralTasks("pcgrad", context.numTasks);
    const { engine, numTasks } = context;
    // The projection orders come from the agent's seeded streams, saved in checkpoints.
    let orderRng = context.rng.stream("projection-order");
    let gradients: TaskGradients | null = null;
    let combined: Float32Array = new Float32Array(0);
    const scratch = PCGradScratch.for(engine.kernels, numTasks);
    return {
      minimize(loss: BatchLoss, taskContext: TaskContext, groups: readonly OptimizedGroup[]): number {
        if (gradients === null) {
          gradients = new TaskGradients(engine, numTasks, groups);
          combined = engine.kernels.allocate(gradients.width);
        }
        gradients.compute(loss, taskContext);
        projectConflictingGradients(engine.kernels, gradients, drawProjectionOrders(orderRng, gradients), config.combine, combined, scratch);
        gradients.writeGradient(combined);
        for (const group of groups) group.update();
        return gradients.batchMeanLoss();
      },
      getState: () => ({ orderRng: orderRng.getState() }),
      setState: (state) => {
        orderRng = Rng.fromState((state as { orderRng: RngState }).orderRng);
      },
    };
  },
});
