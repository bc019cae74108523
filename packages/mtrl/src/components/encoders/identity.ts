import { z } from "zod";
import { defineComponent } from "../component.js";

/** The observation goes to the trunks unchanged (state-based MT-SAC). */
export const identityEncoder = defineComponent({
  kind: "encoder",
  type: "identity",
  summary: "the observation unchanged (state-based MT-SAC)",
  schema: z.strictObject({
    /** The observation unchanged. */
    type: z.literal("identity"),
  }),
  build: (_config, context) => ({
    outputSize: context.inputSize,
    encode: (observations) => observations,
  }),
});
