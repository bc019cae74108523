import { Adam, MLP, add, affine, exp, log, mul, relu, slice, sub, sum, tanh, type Engine, type Tensor } from "@mtrl/nn";
import { ConfigError } from "@mtrl/core";
import { z } from "zod";
import { adamBetas, positiveInt } from "../config-fields.js";
import { defineComponent, type DistilledPolicy, type LogStdBounds } from "../component.js";

const halfLogTwoPi = 0.5 * Math.log(2 * Math.PI);
/** Inside log(1 − a² + ε), as the squashed Gaussian's own log-probability. */
const tanhCorrectionEpsilon = 1e-6;


/** [rows, actions] log-std of [mean ‖ raw log-std] params, differentiable. */
function boundedLogStd(params: Tensor, actions: number, bounds: LogStdBounds): Tensor {
  const halfRange = 0.5 * (bounds.logStdMax - bounds.logStdMin);
  return affine(tanh(slice(params, 1, actions, 2 * actions)), halfRange, bounds.logStdMin + halfRange);
}

/**
 * A Gaussian read as constants: [rows, actions] tensors of its means, of f(log σ) and of g(log σ),
 * from values [rows × 2 · actions] = mean ‖ raw log-std squashed into `bounds`.
 */
function constantGaussian(engine: Engine, params: Float32Array, rows: number, actions: number, bounds: LogStdBounds, f: (logStd: number) => number, g: (logStd: number) => number): [Tensor, Tensor, Tensor] {
  const halfRange = 0.5 * (bounds.logStdMax - bounds.logStdMin);
  const [means, first, second] = [engine.empty([rows, actions]), engine.empty([rows, actions]), engine.empty([rows, actions])];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < actions; j++) {
      const logStd = bounds.logStdMin + halfRange * (Math.tanh(params[i * 2 * actions + actions + j]!) + 1);
      means.data[i * actions + j] = params[i * 2 * actions + j]!;
      first.data[i * actions + j] = f(logStd);
      second.data[i * actions + j] = g(logStd);
    }
  }
  return [means, first, second];
}

/**
 * KL(π ‖ π0) of two diagonal Gaussians, summed over the action dimensions and averaged over rows
 * (a scalar), differentiable w.r.t. `sharedParams` (π0) only: `taskParams` (π) are read as values.
 * Both are [rows, 2 · actions] = mean ‖ raw log-std, the log-std squashed into `bounds` — the
 * Gaussians before the tanh. Minimising it over π0 is fitting π0 to the task policies' actions by
 * maximum likelihood, Distral's distillation.
 */
export function gaussianKlFromTask(sharedParams: Tensor, taskParams: Float32Array, actions: number, bounds: LogStdBounds): Tensor {
  const rows = sharedParams.dim(0);
  // Per element: KL = log σ0 − log σ + (σ² + (μ − μ0)²) / (2σ0²) − ½, with the task's σ, μ constant.
  const [taskMean, taskVariance, constant] = constantGaussian(sharedParams.engine, taskParams, rows, actions, bounds, (logStd) => Math.exp(2 * logStd), (logStd) => -logStd - 0.5);
  const logStd0 = boundedLogStd(sharedParams, actions, bounds);
  const difference = sub(slice(sharedParams, 1, 0, actions), taskMean);
  const spread = mul(exp(affine(logStd0, -2, -Math.log(2))), add(taskVariance, mul(difference, difference)));
  return affine(sum(add(add(logStd0, constant), spread)), 1 / rows);
}

/**
 * log π0(a|s), [rows, 1], of the task policy's reparameterised sample a = tanh(μ + noise · σ) under the
 * shared tanh-Gaussian π0 (`sharedParams`, read as values): differentiable w.r.t. `taskParams`
 * through the sample, so the task policy feels the pull of log π0 in its actor loss.
 */
export function sharedLogProbOfTaskSample(sharedParams: Tensor, taskParams: Tensor, noise: Tensor, bounds: LogStdBounds): Tensor {
  const actions = noise.dim(1);
  const [sharedMean, inverseStd, constant] = constantGaussian(taskParams.engine, sharedParams.data, noise.dim(0), actions, bounds, (logStd) => Math.exp(-logStd), (logStd) => -logStd - halfLogTwoPi);
  const preSquash = add(slice(taskParams, 1, 0, actions), mul(noise, exp(boundedLogStd(taskParams, actions, bounds))));
  const standardized = mul(sub(preSquash, sharedMean), inverseStd);
  const action = tanh(preSquash);
  const correction = log(affine(relu(affine(mul(action, action), -1, 1)), 1, tanhCorrectionEpsilon));
  return sum(sub(sub(constant, affine(mul(standardized, standardized), 0.5)), correction), 1, { keepDims: true });
}

/**
 * Distral (Teh et al., 2017): next to the task policies (the agent's actor, which sees the task) a
 * shared policy π0 that sees only the observation is distilled from them, and the task policies'
 * objectives are regularised towards it. With the SAC temperature α_task of each task, the soft
 * value of the task policies becomes
 *   V(s) = min Q(s, a) + (alpha · log π0(a|s) − (alpha + α_task) · log π(a|s)) / beta
 * — the reference's α_paper = alpha / (alpha + α_task), β_paper = beta / (alpha + α_task) — and their
 * actor loss the matching ((alpha + α_task) log π − alpha log π0) / beta − min Q. So alpha weighs the
 * KL towards π0 and α_task + alpha the entropy; alpha = 0 (the reference's default) leaves plain SAC.
 * π0 minimises KL(π_task ‖ π0) of the Gaussians before the tanh, each row against its own task's
 * policy, times `distillationWeight` — the paper's distillation (maximum likelihood of the task
 * policies' actions under π0).
 *
 * Differences from the reference, on purpose: the reference multiplies its distillation loss by
 * distral_alpha, so with its default 0 its shared policy — the one that acts at evaluation — never
 * learns; ours weighs it by `distillationWeight` (default 1). The reference's loss is the reverse
 * KL(π0 ‖ π_task), which divides by the task policy's variance and explodes as that policy sharpens
 * (we saw 6·10⁵ within 60 updates on MT-Pendulum); ours divides by π0's own variance. The reference reads distral_beta
 * nowhere (as beta = 1 here), and its task actor loss lacks the terms its target has; ours keeps
 * them consistent. Its task agents are ten separate SAC agents; ours are the agent's task-conditioned
 * actor and critics (per-task heads in the recipe), trained in one batch.
 */
export const distralDistillation = defineComponent({
  kind: "distillation",
  type: "distral",
  summary: "Distral: a shared observation-only policy distilled from the task policies (KL), regularising them (alpha, beta) and acting at evaluation",
  schema: z.strictObject({
    /** Distral's shared policy. */
    type: z.literal("distral"),
    /** Weight c_KL of the KL towards the shared policy in the task policies' objectives (reference distral_alpha: 0). */
    alpha: z.number().min(0).default(0),
    /** Inverse temperature dividing the regularisation (reference distral_beta: 1). */
    beta: z.number().positive().default(1),
    /** Weight of the shared policy's distillation loss KL(π_task ‖ π0). */
    distillationWeight: z.number().positive().default(1),
    /** Which policy acts at evaluation: the shared one (the reference) or each task's own. */
    evaluationPolicy: z.enum(["shared", "task"]).default("shared"),
    /** Hidden layer widths of the shared policy (an MLP on the observation). */
    hiddenSizes: z.array(positiveInt).min(1).default([400, 400, 400]),
    /** Adam learning rate of the shared policy (reference: the actor's, 3e-4). */
    lr: z.number().positive().default(3e-4),
    /** Adam (β1, β2) of the shared policy. */
    betas: adamBetas,
  }),
  build: (config, context): DistilledPolicy => {
    if (context.numTasks < 2) {
      throw new ConfigError(
        `Distral (agent.distillation.type=distral) distils several task policies into one shared policy, but the env has ${context.numTasks} task. Use agent.distillation.type=none for a single task, or an env with env.numTasks >= 2.`,
      );
    }
    const engine: Engine = context.engine;
    const actions = context.outputSize / 2;
    const network = new MLP(context.params, { inputSize: context.inputSize, hiddenSizes: config.hiddenSizes, outputSize: context.outputSize }, context.rng);
    const bounds = context.logStdBounds;
    // π0 starts broad (σ = 1 where the bounds allow), a prior over the task policies' actions; at the
    // bounds' midpoint (σ = e^−9 for [−20, 2]) log π0 of any task action would be hugely negative.
    const outputBias = network.layers[network.layers.length - 1]!.bias;
    const unitStd = Math.atanh(Math.min(0.999, Math.max(-0.999, (2 * (0 - bounds.logStdMin)) / (bounds.logStdMax - bounds.logStdMin) - 1)));
    if (outputBias !== null) outputBias.data.fill(unitStd, actions, 2 * actions);
    const [beta1, beta2] = config.betas as readonly [number, number];
    const optimizer = new Adam(context.params, { lr: config.lr, beta1, beta2 });
    return {
      klCoefficient: config.alpha / config.beta,
      entropyScale: 1 / config.beta,
      evaluationPolicy: config.evaluationPolicy,
      optimizer,
      forward: (observations) => network.forward(observations),
      logProbOfTaskSample: (sharedParams, taskParams, noise) => sharedLogProbOfTaskSample(sharedParams, taskParams, noise, bounds),
      distill(observations, taskParams) {
        const loss = affine(gaussianKlFromTask(network.forward(observations), taskParams, actions, bounds), config.distillationWeight);
        engine.backward(loss, context.params.tensors);
        optimizer.update();
        return loss.item();
      },
    };
  },
});

/** No shared policy: the agent is plain multi-task SAC. */
export const noDistillation = defineComponent({
  kind: "distillation",
  type: "none",
  summary: "no shared policy (MT-SAC)",
  schema: z.strictObject({
    /** No distillation. */
    type: z.literal("none"),
  }),
  build: () => null,
});
