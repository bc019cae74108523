import { z } from "zod";
import { defineComponent } from "../component.js";

/** The task as a one-hot [rows, numTasks]: MT-SAC's task input, no parameters. */
export const oneHotTaskEncoder = defineComponent({
  kind: "taskEncoder",
  type: "one-hot",
  summary: "the task as a one-hot vector (MT-SAC); no parameters",
  schema: z.strictObject({
    /** The task index as a one-hot vector, concatenated to the features. */
    type: z.literal("one-hot"),
  }),
  build: (_config, context) => ({
    outputSize: context.numTasks,
    trainable: false,
    encode: (taskContext) => taskContext.oneHot(),
  }),
});
