import { Linear, featureModulation, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { positiveInt } from "../config-fields.js";
import { defineComponent } from "../component.js";

/**
 * FiLM: every hidden layer is modulated by the task, h ← ReLU(γ ⊙ (W h + b) + β), where γ and β
 * of all layers come from one linear map of the task encoding (γ = 1 + that map's output, so a
 * fresh network starts close to the plain MLP). The task encoder learns through γ and β.
 *
 * The reference applies FiLM in its shared encoder with one scalar γ and β per layer taken straight
 * from a 6-wide task encoding; ours modulates every feature of every trunk layer, in the actor and
 * in each critic, through a learned map — the form of the FiLM paper.
 */
export const filmTrunk = defineComponent({
  kind: "trunk",
  type: "film",
  summary: "ReLU layers modulated per layer by γ, β computed from the task encoding (FiLM)",
  schema: z.strictObject({
    /** Feature-wise linear modulation of each layer by the task encoding. */
    type: z.literal("film"),
    /** Hidden layer widths; each layer gets its own γ and β. */
    hiddenSizes: z.array(positiveInt).min(1).default([400, 400, 400]),
  }),
  build: (config, context) => {
    const sizes = [context.inputSize, ...config.hiddenSizes];
    const layers: Linear[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      layers.push(new Linear(context.params.child(`layers.${i}`), { inFeatures: sizes[i]!, outFeatures: sizes[i + 1]! }, context.rng.stream(`layers.${i}`)));
    }
    const modulationSize = 2 * config.hiddenSizes.reduce((total, size) => total + size, 0);
    const modulation = new Linear(context.params.child("modulation"), { inFeatures: context.taskEncodingSize, outFeatures: modulationSize }, context.rng.stream("modulation"));
    const last = layers[layers.length - 1]!;
    return {
      outputSize: config.hiddenSizes[config.hiddenSizes.length - 1]!,
      lastLayer: last.bias === null ? [last.weight] : [last.weight, last.bias],
      forward: (parts, taskContext) => {
        // γ and β depend on the task alone: computed once per task; each row reads its task's row.
        const gammaBeta = modulation.forward(taskContext.taskEncodings);
        // One fused op per layer reads its γ and β in place from gammaBeta (no slice copies).
        let h: Tensor | readonly Tensor[] = parts;
        let offset = 0;
        for (const layer of layers) {
          const pre = layer.forward(h);
          h = featureModulation(pre, gammaBeta, offset, "relu", taskContext.taskIndices);
          offset += 2 * pre.dim(-1);
        }
        return h as Tensor;
      },
    };
  },
});
