import { MLP } from "@mtrl/nn";
import { z } from "zod";
import { positiveInt } from "../config-fields.js";
import { defineComponent } from "../component.js";

/** Hidden ReLU layers over the concatenated input (MT-SAC's network; the head adds the last layer). */
export const mlpTrunk = defineComponent({
  kind: "trunk",
  type: "mlp",
  summary: "ReLU layers over [features ‖ task encoding (‖ action)] (MT-SAC)",
  schema: z.strictObject({
    /** Fully connected ReLU layers. */
    type: z.literal("mlp"),
    /** Hidden layer widths (reference MT10 recipe: 3 × 400). */
    hiddenSizes: z.array(positiveInt).min(1).default([400, 400, 400]),
  }),
  build: (config, context) => {
    const sizes = config.hiddenSizes;
    // The parts are never concatenated: the first layer multiplies each by its weight columns.
    const mlp = new MLP(context.params, { inputSize: context.inputSize, hiddenSizes: sizes.slice(0, -1), outputSize: sizes[sizes.length - 1]!, outputActivation: "relu" }, context.rng);
    const last = mlp.layers[mlp.layers.length - 1]!;
    return { outputSize: sizes[sizes.length - 1]!, lastLayer: last.bias === null ? [last.weight] : [last.weight, last.bias], forward: (parts) => mlp.forward(parts) };
  },
});
