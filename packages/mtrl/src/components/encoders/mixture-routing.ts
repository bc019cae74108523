import { ConfigError } from "@mtrl/mtenv";
import { Linear, detach, indexSelect, softmax, topKGate, type Engine, type Tensor } from "@mtrl/nn";
import type { BuildContext } from "../component.js";
import type { TaskContext } from "../task-context.js";

/**
 * How a mixture of encoders weighs its experts for each row ([rows, numExperts], rows sum to 1):
 * - identity: task t uses expert t only (one expert per task);
 * - ensemble: every expert, equally;
 * - cluster: the expert of the task's cluster (a fixed task → expert table);
 * - gate: softmax over the top-k scores of a linear map of the detached task encoding;
 * - attention: softmax over all those scores (CARE).
 */
export type RoutingMode = "identity" | "ensemble" | "cluster" | "gate" | "attention";

export interface RoutingOptions {
  readonly mode: RoutingMode;
  readonly numExperts: number;
  /** Experts used per row in gate mode. */
  readonly topK: number;
  /** Cluster mode: expert of each task; null derives it from the task descriptions. */
  readonly clusters: readonly number[] | null;
}

export interface Routing {
  /** [rows, numExperts] weights of this batch's rows. */
  weights(context: TaskContext): Tensor;
}

export function buildRouting(options: RoutingOptions, context: BuildContext): Routing {
  const { mode, numExperts } = options;
  const { numTasks } = context;
  switch (mode) {
    case "identity": {
      if (numExperts < numTasks) {
        throw new ConfigError(`Mixture routing "identity" gives each task its own expert, so it needs numExperts >= ${numTasks} (the number of tasks), got ${numExperts}. Set agent.encoder.numExperts=${numTasks}.`);
      }
      return fixedRouting(context.engine, numTasks, numExperts, (task) => [task]);
    }
    case "ensemble":
      return fixedRouting(context.engine, numTasks, numExperts, () => Array.from({ length: numExperts }, (_, expert) => expert));
    case "cluster": {
      const clusters = options.clusters ?? clustersFromDescriptions(context.tasks.descriptions, context.tasks.names, numExperts);
      if (clusters.length !== numTasks || clusters.some((expert) => !Number.isInteger(expert) || expert < 0 || expert >= numExperts)) {
        throw new ConfigError(`Mixture routing "cluster": agent.encoder.clusters must list one expert in [0, ${numExperts - 1}] per task (${numTasks} tasks), got ${JSON.stringify(clusters)}.`);
      }
      return fixedRouting(context.engine, numTasks, numExperts, (task) => [clusters[task]!]);
    }
    case "gate":
    case "attention": {
      if (mode === "gate" && !(options.topK >= 1 && options.topK <= numExperts)) {
        throw new ConfigError(`Mixture routing "gate" uses the top-k experts per row: topK must be in [1, ${numExperts}], got ${options.topK}.`);
      }
      const scores = new Linear(context.params.child("routing"), { inFeatures: context.taskEncodingSize, outFeatures: numExperts }, context.rng.stream("routing"));
      return {
        // The routing reads the task encoding detached (as the reference does): the task
        // encoder is trained by the critic's value loss, not by how experts are picked.
        weights: (taskContext) => {
          const logits = scores.forward(detach(taskContext.taskEncoding));
          return mode === "gate" ? topKGate(logits, options.topK) : softmax(logits);
        },
      };
    }
  }
}

/** Constant weights per task: each task spreads 1 evenly over its listed experts. */
function fixedRouting(engine: Engine, numTasks: number, numExperts: number, expertsOf: (task: number) => number[]): Routing {
  const table = engine.persistent([numTasks, numExperts], "routing.table");
  for (let task = 0; task < numTasks; task++) {
    const experts = expertsOf(task);
    for (const expert of experts) table.data[task * numExperts + expert] = 1 / experts.length;
  }
  return { weights: (taskContext) => indexSelect(table, taskContext.taskIndices) };
}

/**
 * The reference clusters tasks by keywords of their descriptions. Ours: the first word of each
 * task's description (its verb: "Push", "Open", "Close", ...; the task name when the env gives no
 * description), numbered in order of first appearance, modulo the number of experts.
 */
export function clustersFromDescriptions(descriptions: readonly string[], names: readonly string[], numExperts: number): number[] {
  const keywordIndex = new Map<string, number>();
  return names.map((name, task) => {
    const text = (descriptions[task] ?? "").trim() || name;
    const keyword = (text.toLowerCase().match(/[a-z]+/)?.[0] ?? name).toLowerCase();
    if (!keywordIndex.has(keyword)) keywordIndex.set(keyword, keywordIndex.size);
    return keywordIndex.get(keyword)! % numExperts;
  });
}
