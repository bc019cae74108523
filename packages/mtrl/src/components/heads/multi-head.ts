import { Linear, gatherPerRow, reshape } from "@mtrl/nn";
import { z } from "zod";
import { defineComponent } from "../component.js";

/**
 * One output layer per task (the reference's multi-head policy/critic). All heads are one Linear
 * of numTasks × outputs columns — a single GEMM for the batch — and each row keeps its task's
 * slice (gatherPerRow), so head j's weights only ever see, and only ever get gradients from, task j.
 */
export const multiHead = defineComponent({
  kind: "head",
  type: "multi-head",
  summary: "one output layer per task, computed as one batched GEMM and gathered per row",
  schema: z.literal("multi-head"),
  build: (_config, context) => {
    const { numTasks, outputSize } = context;
    const layer = new Linear(context.params, { inFeatures: context.inputSize, outFeatures: numTasks * outputSize }, context.rng);
    return {
      taskSpecific: true,
      forward: (hidden, taskContext) => gatherPerRow(reshape(layer.forward(hidden), [taskContext.rows, numTasks, outputSize]), taskContext.taskIndices),
    };
  },
});
