import { Linear } from "@mtrl/nn";
import { z } from "zod";
import { defineComponent } from "../component.js";

/** One output layer shared by every task. */
export const singleHead = defineComponent({
  kind: "head",
  type: "single",
  summary: "one output layer shared by all tasks",
  schema: z.literal("single"),
  build: (_config, context) => {
    const layer = new Linear(context.params, { inFeatures: context.inputSize, outFeatures: context.outputSize }, context.rng);
    return { forward: (hidden) => layer.forward(hidden) };
  },
});
