import { MLP, indexSelect, relu } from "@mtrl/nn";
import { z } from "zod";
import { defineComponent } from "../component.js";
import { positiveInt, taskEncoderTraining } from "../config-fields.js";


/**
 * A learned embedding per task, refined by an MLP (the reference's task encoder: embedding 50 →
 * ReLU → two hidden layers of 50 → 50). Trained by the critic's loss; the actor reads it detached.
 */
export const learnedTaskEncoder = defineComponent({
  kind: "taskEncoder",
  type: "learned",
  summary: "a learned embedding per task → MLP (reference: 50 → 2×50 → 50), trained by the critic loss",
  schema: z.strictObject({
    /** A learned embedding vector per task, then an MLP. */
    type: z.literal("learned"),
    /** Width of each task's embedding vector. */
    embeddingSize: positiveInt.default(50),
    /** Hidden layer widths of the MLP after the embedding. */
    hiddenSizes: z.array(positiveInt).default([50, 50]),
    /** Width of the task encoding. */
    outputSize: positiveInt.default(50),
    ...taskEncoderTraining,
  }),
  build: (config, context) => {
    const table = context.params.create("embedding", [context.numTasks, config.embeddingSize], (values) => context.rng.stream("embedding").fillNormal(values));
    const mlp = new MLP(context.params.child("mlp"), { inputSize: config.embeddingSize, hiddenSizes: config.hiddenSizes, outputSize: config.outputSize }, context.rng.stream("mlp"));
    return {
      outputSize: config.outputSize,
      trainable: true,
      encode: (taskContext) => mlp.forward(relu(indexSelect(table, taskContext.taskIndices))),
    };
  },
});
