import { ConfigError } from "@mtrl/core";
import { MLP, indexSelect } from "@mtrl/nn";
import { z } from "zod";
import { defineComponent } from "../component.js";
import { loadTaskMetadataFile } from "../task-metadata/metadata-file.js";
import { textFeatureVectors } from "../task-metadata/text-features.js";
import { positiveInt, taskEncoderTraining } from "../config-fields.js";


/**
 * Frozen vectors describing each task (CARE's context), through a trained MLP (the reference's
 * 768 → 100 → 50 on RoBERTa sentence embeddings). The vectors come from a JSON file
 * `{ "task name": [floats] }` when `file` is given, else from our own hashed TF-IDF of the env's
 * task descriptions, so the encoder works on every env that describes its tasks without any
 * model download. Unlike the reference, the vectors do not pass a ReLU first: the TF-IDF vectors
 * are signed (hashed with a sign bit), and a ReLU would discard half of them.
 */
export const metadataTaskEncoder = defineComponent({
  kind: "taskEncoder",
  type: "metadata",
  summary: "frozen per-task vectors (a JSON file, or TF-IDF of the env's task descriptions) → MLP 100 → 50 (CARE's context)",
  schema: z.strictObject({
    /** Frozen vectors per task name, then a trained MLP. */
    type: z.literal("metadata"),
    /** JSON file { "task name": [floats] } (e.g. the reference's 768-d RoBERTa vectors); null: TF-IDF of the env's task descriptions. */
    file: z.string().min(1).nullable().default(null),
    /** Width of every vector in the file (reference RoBERTa vectors: 768); a file of another width is an error. */
    fileWidth: positiveInt.default(768),
    /** Width of the built-in description vectors (used when file is null). */
    textFeatureSize: positiveInt.default(256),
    /** Hidden layer widths of the MLP on the vectors (reference: 100, 50, then its 2 × 50 task-encoder MLP). */
    hiddenSizes: z.array(positiveInt).default([100, 50, 50, 50]),
    /** Width of the task encoding (reference: 50). */
    outputSize: positiveInt.default(50),
    ...taskEncoderTraining,
  }),
  build: (config, context) => {
    const { vectors, width } = metadataVectors(config.file, config.fileWidth, config.textFeatureSize, context.tasks.names, context.tasks.descriptions);
    // Frozen (no gradient, so the optimizer never moves it) but a parameter of the group, so a
    // checkpoint keeps the vectors its run was trained with even if the file or descriptions change.
    const table = context.params.create("vectors", [context.numTasks, width], (values) => vectors.forEach((vector, task) => values.set(vector, task * width)));
    table.requiresGrad = false;
    const mlp = new MLP(context.params.child("mlp"), { inputSize: width, hiddenSizes: config.hiddenSizes, outputSize: config.outputSize }, context.rng.stream("mlp"));
    return {
      outputSize: config.outputSize,
      trainable: true,
      encode: (taskContext) => mlp.forward(indexSelect(table, taskContext.taskIndices)),
    };
  },
});

function metadataVectors(file: string | null, fileWidth: number, textFeatureSize: number, names: readonly string[], descriptions: readonly string[]): { vectors: Float32Array[]; width: number } {
  if (file !== null) return loadTaskMetadataFile(file, names, fileWidth);
  const missing = names.filter((_, task) => (descriptions[task] ?? "").trim() === "");
  if (missing.length > 0) {
    throw new ConfigError(
      `The metadata task encoder needs a description of every task, but the env describes none for ${missing.join(", ")}. Pass agent.taskEncoder.file=<JSON {"task name": [floats]}> or use agent.taskEncoder.type=learned.`,
    );
  }
  return { vectors: textFeatureVectors(descriptions, { dimension: textFeatureSize }), width: textFeatureSize };
}
