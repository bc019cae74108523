import { GroupedLinear, Linear, mixGroups, mul, relu, reshape, softmax, type Tensor } from "@mtrl/nn";
import { z } from "zod";
import { positiveInt } from "../config-fields.js";
import { defineComponent } from "../component.js";
import type { TaskContext } from "../task-context.js";

/**
 * Soft modularization (Yang et al., 2020): `numLayers` layers of `numModules` small modules each.
 * A routing network conditioned on the input and the task decides, per row, how much each module
 * of layer l+1 reads from each module of layer l (softmax weights), and how the last layer's
 * modules are summed into the output.
 *
 * Base: e = ReLU(W_e · input) is the shared input of the first layer's modules; modules of one
 * layer run as one grouped GEMM. Routing: c = e ⊙ (W_z · task encoding); the first distribution is
 * softmax(W_1 · ReLU(c)), each next one softmax(W_l · ReLU((U_l · p_{l−1}) ⊙ c)).
 *
 * Differences from the reference, on purpose: the last layer's modules are mixed into the output by
 * a learned per-row distribution (the reference averages them), and the head that follows is the
 * agent's head component (single or multi-head) rather than a fixed output layer.
 */
export const softModularizationTrunk = defineComponent({
  kind: "trunk",
  type: "soft-modularization",
  summary: "layers of modules mixed by a routing network over input and task (reference MT10: 4 layers × 4 modules)",
  schema: z.strictObject({
    /** Modules per layer, mixed by a routing network over state and task. */
    type: z.literal("soft-modularization"),
    /** Layers of modules (reference MT10 recipe: 4). */
    numLayers: z.number().int().min(1).default(4),
    /** Modules per layer (reference MT10 recipe: 4). */
    numModules: z.number().int().min(1).default(4),
    /** Width of each module and of the embeddings. */
    moduleSize: positiveInt.default(128),
  }),
  build: (config, context) => {
    const { numLayers, numModules, moduleSize } = config;
    const { params, rng } = context;
    const embed = new Linear(params.child("embedding"), { inFeatures: context.inputSize, outFeatures: moduleSize }, rng.stream("embedding"));
    const taskEmbed = new Linear(params.child("taskEmbedding"), { inFeatures: context.taskEncodingSize, outFeatures: moduleSize }, rng.stream("taskEmbedding"));
    const modules: GroupedLinear[] = [];
    for (let l = 0; l < numLayers; l++) {
      modules.push(new GroupedLinear(params.child(`modules.${l}`), { groups: numModules, inFeatures: moduleSize, outFeatures: moduleSize }, rng.stream(`modules.${l}`)));
    }
    // Distribution l (0-based) mixes layer l's outputs into layer l+1's inputs; the last one into the output.
    const routeOut: Linear[] = [];
    const routeIn: Linear[] = [];
    for (let l = 0; l < numLayers; l++) {
      const last = l === numLayers - 1;
      const outFeatures = last ? numModules : numModules * numModules;
      routeOut.push(new Linear(params.child(`routing.${l}.out`), { inFeatures: moduleSize, outFeatures }, rng.stream(`routing.${l}.out`)));
      if (l > 0) {
        const previous = numModules * numModules;
        routeIn.push(new Linear(params.child(`routing.${l}.in`), { inFeatures: previous, outFeatures: moduleSize }, rng.stream(`routing.${l}.in`)));
      }
    }

    const route = (embedding: Tensor, taskContext: TaskContext): Tensor[] => {
      const rows = taskContext.rows;
      const condition = mul(embedding, taskContext.perRow(taskEmbed.forward(taskContext.taskEncodings)));
      const probabilities: Tensor[] = [];
      let previous: Tensor | null = null;
      for (let l = 0; l < numLayers; l++) {
        const last = l === numLayers - 1;
        const input: Tensor = previous === null ? relu(condition) : relu(mul(routeIn[l - 1]!.forward(reshape(previous, [rows, numModules * numModules])), condition));
        const logits = routeOut[l]!.forward(input);
        const distribution = softmax(last ? logits : reshape(logits, [rows, numModules, numModules]));
        probabilities.push(distribution);
        if (!last) previous = distribution;
      }
      return probabilities;
    };

    return {
      outputSize: moduleSize,
      forward: (parts, taskContext) => {
        const embedding = embed.forward(parts, "relu");
        const probabilities = route(embedding, taskContext);
        let h = modules[0]!.forward(embedding, "relu");
        for (let l = 1; l < numLayers; l++) h = modules[l]!.forward(mixGroups(h, probabilities[l - 1]!), "relu");
        return mixGroups(h, probabilities[numLayers - 1]!);
      },
    };
  },
});
