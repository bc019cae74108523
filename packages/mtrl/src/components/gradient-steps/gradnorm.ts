import { ConfigError } from "@mtrl/core";
import { Adam, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { adamBetas } from "../config-fields.js";
import { defineComponent, type BatchLoss, type GradientStep, type OptimizedGroup } from "../component.js";
import type { TaskContext } from "../task-context.js";
import { TaskGradients, requireSeveralTasks } from "./task-gradients.js";

/** Keeps a learned weight positive after its Adam step (the weights average 1). */
const minimumWeight = 1e-3;
const epsilon = 1e-8;

/** What GradNorm's weight update needs of one batch. */
export interface GradNormBatch {
  /** Each task's loss (mean over its rows). */
  readonly losses: ArrayLike<number>;
  /** ‖∂ loss_t / ∂ last shared layer‖ of each task (unweighted). */
  readonly gradientNorms: ArrayLike<number>;
  /** Which tasks had rows. */
  readonly active: ArrayLike<boolean>;
}

/**
 * The gradient of GradNorm's loss Σ_t |w_t n_t − target_t| / T w.r.t. the task weights w, where n_t
 * is the norm of task t's gradient at the last shared layer, and target_t = mean(w n) · r̃_t^α with
 * r̃_t = r_t / mean(r) the relative inverse training rate (r_t = loss_t / baseline loss_t). The
 * target is held constant, as in the paper: weights of tasks that train slower than average (larger
 * r̃) are pushed up, faster ones down. Returns the GradNorm loss; writes its gradient to `out`.
 */
export function gradNormWeightGradient(weights: ArrayLike<number>, batch: GradNormBatch, baseline: ArrayLike<number>, alpha: number, out: Float32Array): number {
  const tasks = weights.length;
  let active = 0;
  let meanNorm = 0;
  let meanRatio = 0;
  const ratio = (t: number): number => (baseline[t]! > 0 ? batch.losses[t]! / baseline[t]! : 1);
  for (let t = 0; t < tasks; t++) {
    if (!batch.active[t]) continue;
    active++;
    meanNorm += weights[t]! * batch.gradientNorms[t]!;
    meanRatio += ratio(t);
  }
  out.fill(0);
  if (active === 0) return 0;
  meanNorm /= active;
  meanRatio /= active;
  let loss = 0;
  for (let t = 0; t < tasks; t++) {
    if (!batch.active[t]) continue;
    const target = meanNorm * (ratio(t) / (meanRatio + epsilon)) ** alpha;
    const difference = weights[t]! * batch.gradientNorms[t]! - target;
    loss += Math.abs(difference) / active;
    out[t] = (Math.sign(difference) * batch.gradientNorms[t]!) / active;
  }
  return loss;
}

/** Clamps the weights positive and rescales them to sum to their count. */
export function renormalizeWeights(weights: Float32Array): void {
  let total = 0;
  for (let t = 0; t < weights.length; t++) {
    weights[t] = Math.max(weights[t]!, minimumWeight);
    total += weights[t]!;
  }
  for (let t = 0; t < weights.length; t++) weights[t] = (weights[t]! * weights.length) / total;
}

/**
 * GradNorm (Chen et al., 2018) as a gradient step: the update minimises Σ_t w_t · loss_t / T with
 * learned positive task weights w (summing to T, starting at 1). After each update the weights take
 * one step of their own Adam on GradNorm's loss, which moves every task's weighted gradient norm at
 * the last shared layer towards the mean norm scaled by how slowly the task trains (asymmetry α).
 *
 * The per-task gradients come from one pass per task's rows (see TaskGradients); the weighted sum
 * of them is the update, so no extra backward pass is needed for the norms. The reference compares
 * each task's loss with its loss at the previous update (`lossBaseline: previous`); the paper with
 * the first one (`initial`). The reference also leaves its renormalisation without effect (it
 * rebinds a local name); ours renormalises.
 */
export const gradNormGradientStep = defineComponent({
  kind: "gradient",
  type: "gradnorm",
  summary: "GradNorm: learned positive task weights (sum T, own Adam) balancing each task's gradient norm at the last shared layer (asymmetry α)",
  schema: z.strictObject({
    /** Gradient normalisation (Chen et al., 2018). */
    type: z.literal("gradnorm"),
    /** Asymmetry α: how strongly slower tasks get larger target norms (reference: 1.0). */
    alpha: z.number().min(0).default(1.0),
    /** Adam learning rate of the task weights (reference: 1e-6). */
    lr: z.number().positive().default(1e-6),
    /** Adam (β1, β2) of the task weights. */
    betas: adamBetas,
    /** The loss each task's current loss is compared with: the previous update's (reference) or the first one's (paper). */
    lossBaseline: z.enum(["previous", "initial"]).default("previous"),
  }),
  build: (config, context): GradientStep => {
    requireSeveralTasks("gradnorm", context.numTasks);
    const { engine, numTasks } = context;
    const weightParams = context.params.child("taskWeights");
    const weights: Tensor = weightParams.create("weights", [numTasks], (values) => values.fill(1));
    const [beta1, beta2] = config.betas as readonly [number, number];
    const optimizer = new Adam(weightParams, { lr: config.lr, beta1, beta2 });
    const baseline = new Float64Array(numTasks);
    let hasBaseline = false;
    const norms = new Float64Array(numTasks);
    const active: boolean[] = new Array<boolean>(numTasks).fill(false);
    let gradients: TaskGradients | null = null;
    let combined: Float32Array = new Float32Array(0);
    const combination = engine.kernels.allocate(numTasks);
    let lastLoss = 0;
    const names = context.tasks.names;
    return {
      minimize(loss: BatchLoss, taskContext: TaskContext, groups: readonly OptimizedGroup[]): number {
        if (gradients === null) {
          gradients = new TaskGradients(engine, numTasks, groups);
          if (gradients.lastSharedRanges.length === 0) {
            throw new ConfigError("agent.gradient.type=gradnorm measures gradient norms at the last layer the tasks share, but this network has none marked; use agent.gradient.type=pcgrad or plain.");
          }
          combined = engine.kernels.allocate(gradients.width);
        }
        const rows = gradients;
        rows.compute(loss, taskContext);
        // The update: Σ_t w_t ∇loss_t / T with the weights as they are before their own step.
        for (let t = 0; t < numTasks; t++) {
          active[t] = rows.active(t);
          combination[t] = active[t] ? weights.data[t]! / numTasks : 0;
        }
        engine.kernels.gemm(false, false, 1, rows.width, numTasks, 1, combination, numTasks, rows.matrix, rows.width, 0, combined, rows.width);
        rows.writeGradient(combined);
        for (const group of groups) group.update();

        for (let t = 0; t < numTasks; t++) {
          let squares = 0;
          const row = rows.matrix.subarray(t * rows.width, (t + 1) * rows.width);
          for (const [start, end] of rows.lastSharedRanges) for (let i = start; i < end; i++) squares += row[i]! * row[i]!;
          norms[t] = Math.sqrt(squares);
        }
        if (!hasBaseline) {
          baseline.set(rows.losses);
          hasBaseline = true;
        }
        lastLoss = gradNormWeightGradient(weights.data, { losses: rows.losses, gradientNorms: norms, active }, baseline, config.alpha, weights.grad!);
        optimizer.update();
        renormalizeWeights(weights.data);
        if (config.lossBaseline === "previous") for (let t = 0; t < numTasks; t++) if (active[t]) baseline[t] = rows.losses[t]!;
        return rows.batchMeanLoss();
      },
      metrics: () => {
        const values: Record<string, number> = { gradnorm_loss: lastLoss };
        for (let t = 0; t < numTasks; t++) values[`gradnorm_weight/${names[t] ?? `task${t}`}`] = weights.data[t]!;
        return values;
      },
      getState: () => {
        const { firstMoment, secondMoment, step } = optimizer.getState();
        return { hasBaseline, baseline: Array.from(baseline), adamStep: step, firstMoment: Array.from(firstMoment), secondMoment: Array.from(secondMoment) };
      },
      setState: (state) => {
        const saved = state as { hasBaseline: boolean; baseline: number[]; adamStep: number; firstMoment: number[]; secondMoment: number[] };
        if (!Array.isArray(saved.baseline) || saved.baseline.length !== numTasks) {
          throw new ConfigError(`GradNorm state has ${Array.isArray(saved.baseline) ? saved.baseline.length : "no"} task baselines, expected ${numTasks}: the checkpoint was written for another task count.`);
        }
        hasBaseline = saved.hasBaseline;
        baseline.set(saved.baseline);
        optimizer.setState({ ...optimizer.getState(), step: saved.adamStep, firstMoment: Float32Array.from(saved.firstMoment), secondMoment: Float32Array.from(saved.secondMoment) });
      },
    };
  },
});
