import { GroupedLinear, mixGroups, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { positiveInt } from "../config-fields.js";
import { defineComponent, type Encoder } from "../component.js";
import type { TaskContext } from "../task-context.js";
import { buildRouting, type Routing } from "./mixture-routing.js";

/** A mixture of encoders: the weights of the experts for each row, and the mixed features. */
export interface MixtureEncoder extends Encoder {
  /** [rows, numExperts] routing weights of a batch (for inspection and tests). */
  routingWeights(context: TaskContext): Tensor;
}

/**
 * Mixture of encoders (the reference's `moe`): `numExperts` MLP experts run as batched GEMMs
 * (one grouped layer per depth, not a loop of networks), and each row's features are the
 * experts' outputs weighted by the routing (see mixture-routing.ts). CARE is this in attention
 * mode with 4 experts over the metadata task encoding.
 */
export const mixtureEncoder = defineComponent({
  kind: "encoder",
  type: "moe",
  summary: "mixture of encoders: k MLP experts batched, routed by identity | ensemble | cluster | gate (top-k) | attention",
  schema: z.strictObject({
    /** A mixture of MLP experts. */
    type: z.literal("moe"),
    /** Number of experts. */
    numExperts: positiveInt.default(4),
    /** How rows weigh the experts: identity, ensemble, cluster, gate (top-k) or attention. */
    routing: z.enum(["identity", "ensemble", "cluster", "gate", "attention"]).default("attention"),
    /** Experts per row in gate mode (reference: 2). */
    topK: positiveInt.default(2),
    /** Cluster mode: the expert of each task; null groups tasks by the first word of their descriptions. */
    clusters: z.array(z.number().int().min(0)).nullable().default(null),
    /** Gate and attention modes: hidden layer widths of the scoring MLP on the task encoding (reference: 2 × 50). */
    scoreHiddenSizes: z.array(positiveInt).default([50, 50]),
    /** Hidden layer widths of each expert. */
    hiddenSizes: z.array(positiveInt).default([50]),
    /** Width of the features (reference: 50). */
    featureSize: positiveInt.default(50),
  }),
  build: (config, context): MixtureEncoder => {
    const sizes = [context.inputSize, ...config.hiddenSizes, config.featureSize];
    const layers: GroupedLinear[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      layers.push(new GroupedLinear(context.params.child(`experts.${i}`), { groups: config.numExperts, inFeatures: sizes[i]!, outFeatures: sizes[i + 1]! }, context.rng.stream(`experts.${i}`)));
    }
    const routing: Routing = buildRouting({ mode: config.routing, numExperts: config.numExperts, topK: config.topK, clusters: config.clusters, scoreHiddenSizes: config.scoreHiddenSizes }, context);
    return {
      outputSize: config.featureSize,
      routingWeights: (taskContext) => routing.weights(taskContext),
      encode: (observations, taskContext) => {
        // ReLU between layers, a linear last layer (as the reference's experts).
        let h = observations;
        layers.forEach((layer, i) => {
          h = layer.forward(h, i + 1 < layers.length ? "relu" : "identity");
        });
        return mixGroups(h, routing.weights(taskContext));
      },
    };
  },
});
