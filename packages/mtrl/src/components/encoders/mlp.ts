import { MLP } from "@mtrl/nn";
import { z } from "zod";
import { positiveInt } from "../config-fields.js";
import { defineComponent } from "../component.js";

/** A feed-forward feature extractor shared by both critics (the reference's `feedforward` encoder: ReLU hidden layers, a linear last layer). */
export const mlpEncoder = defineComponent({
  kind: "encoder",
  type: "mlp",
  summary: "an MLP feature extractor (reference feedforward: hidden 50, features 50)",
  schema: z.strictObject({
    /** A feed-forward network on the observation. */
    type: z.literal("mlp"),
    /** Hidden layer widths. */
    hiddenSizes: z.array(positiveInt).default([50]),
    /** Width of the features. */
    featureSize: positiveInt.default(50),
  }),
  build: (config, context) => {
    const mlp = new MLP(context.params, { inputSize: context.inputSize, hiddenSizes: config.hiddenSizes, outputSize: config.featureSize }, context.rng);
    return { outputSize: config.featureSize, encode: (observations) => mlp.forward(observations) };
  },
});
