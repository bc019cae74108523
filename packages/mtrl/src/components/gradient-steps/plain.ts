import { mean } from "@mtrl/nn";
import { z } from "zod";
import { defineComponent, type BatchLoss, type OptimizedGroup } from "../component.js";

/** The ordinary step: the mean of the per-row losses, one backward pass, every optimizer once. */
export const plainGradientStep = defineComponent({
  kind: "gradient",
  type: "plain",
  summary: "one backward pass of the mean loss over the batch (MT-SAC)",
  schema: z.strictObject({
    /** Backpropagate the mean loss of the batch. */
    type: z.literal("plain"),
  }),
  build: () => ({
    minimize(batchLoss: BatchLoss, _context, groups: readonly OptimizedGroup[]): number {
      const loss = mean(batchLoss.forward(null));
      const wrt = groups.flatMap((group) => group.params.tensors);
      loss.engine.backward(loss, wrt);
      for (const group of groups) group.update();
      return loss.item();
    },
  }),
});
