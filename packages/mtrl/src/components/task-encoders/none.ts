import { z } from "zod";
import { defineComponent } from "../component.js";

/**
 * No task input: actor and critic see the observation only (the reference's HiP-BMDP agents, whose
 * policy must act on task variants it never trained on). The encoding has width 0.
 */
export const noTaskEncoder = defineComponent({
  kind: "taskEncoder",
  type: "none",
  summary: "no task input: actor and critic read the observation only (HiP-BMDP: the policy also runs on unseen variants)",
  schema: z.strictObject({
    /** The task is not an input of actor and critic. */
    type: z.literal("none"),
  }),
  build: (_config, context) => ({
    outputSize: 0,
    trainable: false,
    encode: (taskContext) => context.engine.empty([taskContext.rows, 0]),
  }),
});
