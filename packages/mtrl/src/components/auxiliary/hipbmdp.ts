import { z } from "zod";
import { adamBetas, positiveInt } from "../config-fields.js";
import { defineComponent } from "../component.js";
import { LatentModelLoss, latentModelFields } from "./latent-model.js";

/**
 * HiP-BMDP (Zhang et al., 2020): DeepMDP whose transition model and reward decoder also read
 * learned task parameters θ (one embedding per training task), and a contrastive loss that makes
 * distances between tasks' θ match distances between the next latents they predict.
 */
export const hipBmdpAuxiliary = defineComponent({
  kind: "auxiliary",
  type: "hipbmdp",
  summary: "HiP-BMDP: DeepMDP conditioned on a learned task embedding θ, with the contrastive θ loss (α 0.01)",
  schema: z.strictObject({
    /** DeepMDP's losses with θ in the transition model and reward decoder, plus the contrastive loss. */
    type: z.literal("hipbmdp"),
    ...latentModelFields,
    /** Width of each task's embedding (reference: 50). */
    thetaEmbeddingSize: positiveInt.default(50),
    /** Width of θ: embedding → ReLU → linear (2× width) → ReLU → linear to this (reference: 50). */
    thetaSize: positiveInt.default(50),
    /** Adam learning rate of θ (reference: 1e-3). */
    thetaLr: z.number().positive().default(1e-3),
    /** Adam (β1, β2) of θ (reference: (0.9, 0.999)). */
    thetaBetas: adamBetas,
    /** α: weight of the contrastive loss in θ's step (reference: 0.01). */
    contrastiveWeight: z.number().min(0).default(0.01),
  }),
  build: (config, context) =>
    new LatentModelLoss("hipbmdp", config, { embeddingSize: config.thetaEmbeddingSize, outputSize: config.thetaSize, lr: config.thetaLr, betas: config.thetaBetas, contrastiveWeight: config.contrastiveWeight }, context),
});
