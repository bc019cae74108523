import { ConfigError } from "@mtrl/core";
import { MLP, indexSelect } from "@mtrl/nn";
import { z } from "zod";
import { defineComponent } from "../component.js";
import { positiveInt, taskEncoderTraining } from "../config-fields.js";


/**
 * The env's own task observation (`taskObs`: MT-Pendulum's normalised mass, length and gravity,
 * CartPole's parameters, MT10's one-hot, ...) of each task, frozen, through a trained MLP. With a
 * parametric env the agent sees what makes the tasks differ, not only which task it is.
 */
export const observationTaskEncoder = defineComponent({
  kind: "taskEncoder",
  type: "observation",
  summary: "the env's task observation (taskObs: e.g. Pendulum's mass, length, gravity) → MLP",
  schema: z.strictObject({
    /** The env's task observation of each task, then an MLP. */
    type: z.literal("observation"),
    /** Hidden layer widths of the MLP. */
    hiddenSizes: z.array(positiveInt).default([50]),
    /** Width of the task encoding. */
    outputSize: positiveInt.default(50),
    ...taskEncoderTraining,
  }),
  build: (config, context) => {
    const observations = context.tasks.observations;
    const width = observations?.[0]?.length ?? 0;
    if (observations === undefined || observations.length !== context.numTasks || width === 0 || observations.some((row) => row.length !== width)) {
      throw new ConfigError(
        `The observation task encoder needs the env's task observation of each of the ${context.numTasks} tasks (all of one width), got ${observations === undefined ? "none" : `${observations.length} of widths ${[...new Set(observations.map((row) => row.length))].join(", ")}`}. Train through the runner (it reads them from the env), or use agent.taskEncoder.type=learned.`,
      );
    }
    // Frozen (no gradient) but a parameter of the group, so checkpoints keep it.
    const table = context.params.create("observations", [context.numTasks, width], (values) => observations.forEach((row, task) => values.set(row, task * width)));
    table.requiresGrad = false;
    const mlp = new MLP(context.params.child("mlp"), { inputSize: width, hiddenSizes: config.hiddenSizes, outputSize: config.outputSize }, context.rng.stream("mlp"));
    return { outputSize: config.outputSize, trainable: true, encode: (taskContext) => mlp.forward(indexSelect(table, taskContext.taskIndices)) };
  },
});
