import { ConfigError } from "@mtrl/core";
import { MLP, detach, softmax, topKGate, type ParameterStore, type Tensor } from "@mtrl/nn";
import type { BuildContext } from "../component.js";
import type { TaskContext } from "../task-context.js";

/**
 * How a mixture of encoders weighs its experts for each row ([rows, numExperts], rows sum to 1):
 * - identity: task t uses expert t only (one expert per task);
 * - ensemble: every expert, equally;
 * - cluster: the expert of the task's cluster (a fixed task → expert table);
 * - gate: softmax over the top-k scores of an MLP on the detached task encoding;
 * - attention: softmax over all those scores (CARE; the reference's MLP is 2 × 50 wide).
 *
 * Every weight is a function of the task alone, so it is computed per task and gathered per row.
 */
export type RoutingMode = "identity" | "ensemble" | "cluster" | "gate" | "attention";

export interface RoutingOptions {
  readonly mode: RoutingMode;
  readonly numExperts: number;
  /** Experts used per row in gate mode. */
  readonly topK: number;
  /** Cluster mode: expert of each task; null derives it from the task descriptions. */
  readonly clusters: readonly number[] | null;
  /** Gate and attention modes: hidden layer widths of the scoring MLP. */
  readonly scoreHiddenSizes: readonly number[];
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
      return fixedRouting(context.params, numTasks, numExperts, (task) => [task]);
    }
    case "ensemble":
      return fixedRouting(context.params, numTasks, numExperts, () => Array.from({ length: numExperts }, (_, expert) => expert));
    case "cluster": {
      const clusters = options.clusters ?? clustersFromDescriptions(context.tasks.descriptions, context.tasks.names, numExperts, numTasks);
      if (clusters.length !== numTasks || clusters.some((expert) => !Number.isInteger(expert) || expert < 0 || expert >= numExperts)) {
        throw new ConfigError(`Mixture routing "cluster": agent.encoder.clusters must list one expert in [0, ${numExperts - 1}] per task (${numTasks} tasks), got ${JSON.stringify(clusters)}.`);
      }
      return fixedRouting(context.params, numTasks, numExperts, (task) => [clusters[task]!]);
    }
    case "gate":
    case "attention": {
      if (mode === "gate" && !(options.topK >= 1 && options.topK <= numExperts)) {
        throw new ConfigError(`Mixture routing "gate" uses the top-k experts per row: topK must be in [1, ${numExperts}], got ${options.topK}.`);
      }
      const scores = new MLP(context.params.child("routing"), { inputSize: context.taskEncodingSize, hiddenSizes: options.scoreHiddenSizes, outputSize: numExperts }, context.rng.stream("routing"));
      return {
        // The routing reads the task encoding detached (as the reference does): the task
        // encoder is trained by the critic's value loss, not by how experts are picked.
        weights: (taskContext) => {
          const logits = scores.forward(detach(taskContext.taskEncodings));
          return taskContext.perRow(mode === "gate" ? topKGate(logits, options.topK) : softmax(logits));
        },
      };
    }
  }
}

/**
 * Constant weights per task: each task spreads 1 evenly over its listed experts. The table is a
 * frozen parameter (no gradient), so checkpoints keep the routing a run was trained with.
 */
function fixedRouting(params: ParameterStore, numTasks: number, numExperts: number, expertsOf: (task: number) => number[]): Routing {
  const table = params.child("routing").create("table", [numTasks, numExperts], (values) => {
    for (let task = 0; task < numTasks; task++) {
      const experts = expertsOf(task);
      for (const expert of experts) values[task * numExperts + expert] = 1 / experts.length;
    }
  });
  table.requiresGrad = false;
  return { weights: (taskContext) => taskContext.perRow(table) };
}

/**
 * The reference clusters tasks by keywords of their descriptions. Ours: the first word of each
 * task's description (its verb: "Push", "Open", "Close", ...; the task name when the env gives no
 * description), one expert per distinct word in order of first appearance. More words than experts,
 * or a single word for several tasks (every Pendulum task starts "Swing"), would silently merge
 * tasks that should not share an expert: both are errors that show the grouping and what to set.
 */
export function clustersFromDescriptions(descriptions: readonly string[], names: readonly string[], numExperts: number, numTasks = names.length): number[] {
  const keywordIndex = new Map<string, number>();
  const keywords = names.slice(0, numTasks).map((name, task) => {
    const text = (descriptions[task] ?? "").trim() || name;
    return (text.toLowerCase().match(/[a-z]+/)?.[0] ?? name).toLowerCase();
  });
  const clusters = keywords.map((keyword) => {
    if (!keywordIndex.has(keyword)) keywordIndex.set(keyword, keywordIndex.size);
    return keywordIndex.get(keyword)!;
  });
  const grouping = [...keywordIndex.keys()].map((keyword, expert) => `${expert}: ${keyword} (${names.filter((_, task) => keywords[task] === keyword).join(", ")})`).join("; ");
  if (keywordIndex.size > numExperts) {
    throw new ConfigError(`Mixture routing "cluster": the task descriptions give ${keywordIndex.size} groups (${grouping}) but there are ${numExperts} experts. Set agent.encoder.numExperts=${keywordIndex.size}, or give agent.encoder.clusters (an expert per task).`);
  }
  if (keywordIndex.size === 1 && numTasks > 1) {
    throw new ConfigError(`Mixture routing "cluster": every task description starts with "${keywords[0]}", so all tasks would share one expert. Give agent.encoder.clusters (an expert per task) or pick another routing.`);
  }
  return clusters;
}
