import { z } from "zod";
import { defineComponent } from "../component.js";
import { LatentModelLoss, latentModelFields } from "./latent-model.js";

/**
 * DeepMDP: a latent transition model and a reward decoder trained through the critic's pixel
 * encoder, and SAC-AE's decoder turned to the next image decoded from the predicted next latent
 * (the order, losses and cadence in latent-model.ts).
 */
export const deepMdpAuxiliary = defineComponent({
  kind: "auxiliary",
  type: "deepmdp",
  summary: "DeepMDP: latent transition model (deterministic | probabilistic, width 512) + reward decoder + next-image decoder train the encoder",
  schema: z.strictObject({
    /** Transition, reward and next-image losses on the critic's pixel features. */
    type: z.literal("deepmdp"),
    ...latentModelFields,
  }),
  build: (config, context) => new LatentModelLoss("deepmdp", config, null, context),
});
