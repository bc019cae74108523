/**
 * Registers the Meta-World-style benchmarks. Imported for its side effect by envs/index.ts.
 * Making one of these ids needs `await initMujoco()` first (make() is synchronous, the WASM load
 * is not); vector envs and the CLIs do that for ids listed in MUJOCO_ENV_IDS, so they are added
 * there.
 */
import { z } from "zod";
import { didYouMean } from "../../core/errors.js";
import { register } from "../../registry/registry.js";
import { MUJOCO_ENV_IDS } from "../mujoco/register.js";
import { CONFIGURATIONS_PER_TASK, DEFAULT_BENCHMARK_SEED } from "./configurations.js";
import { DEFAULT_EPISODE_LENGTH } from "./manipulation-env.js";
import { MetaWorldMT1Env } from "./mt1-env.js";
import { MetaWorldMultiTaskEnv } from "./multi-task-env.js";
import { METAWORLD_TASK_NAMES, MT10_TASKS, MT10_TASK_NAMES, MT50_TASK_NAMES, mt50Tasks, taskByName } from "./task-catalog.js";

export const METAWORLD_MT1_ID = "MT-MetaWorld-MT1-v0";
export const METAWORLD_MT10_ID = "MT-MetaWorld-MT10-v0";
export const METAWORLD_MT50_ID = "MT-MetaWorld-MT50-v0";

const episodeLength = z.number().int().min(1).max(100_000).default(DEFAULT_EPISODE_LENGTH);
const taskObservation = z.enum(["index", "one-hot"]).default("index");
/** The seed of the 50 configurations per task (the reference's MT10(seed=...)). */
const benchmarkSeed = z.number().int().min(0).max(0xffffffff).default(DEFAULT_BENCHMARK_SEED);

const taskName = z
  .string()
  .default("pick-place")
  .superRefine((name, context) => {
    if (!METAWORLD_TASK_NAMES.includes(name)) {
      context.addIssue({ code: "custom", message: `unknown Meta-World task "${name}".${didYouMean(name, METAWORLD_TASK_NAMES)} Valid tasks: ${METAWORLD_TASK_NAMES.join(", ")}` });
    }
  });

register({
  id: METAWORLD_MT1_ID,
  description: `Meta-World-style MT1: one manipulation task (kwarg task, default pick-place), its ${CONFIGURATIONS_PER_TASK} fixed configurations as task states; 39-dim obs, reward in [0, 10], info.success, ${DEFAULT_EPISODE_LENGTH} steps`,
  kwargsSchema: z.strictObject({
    task: taskName,
    episodeLength,
    taskObservation,
    benchmarkSeed,
    initialTaskState: z.number().int().min(0).max(CONFIGURATIONS_PER_TASK - 1).default(0),
  }),
  entryPoint: (kwargs) =>
    new MetaWorldMT1Env(taskByName(kwargs.task), {
      episodeLength: kwargs.episodeLength,
      taskObservation: kwargs.taskObservation,
      benchmarkSeed: kwargs.benchmarkSeed,
      initialTaskState: kwargs.initialTaskState,
    }),
  testKwargs: {
    valid: [{ task: "peg-insert-side", episodeLength: 150, taskObservation: "one-hot", initialTaskState: 49, benchmarkSeed: 7 }],
    invalid: [{ task: "pick-n-place" }, { task: 3 }, { episodeLength: 0 }, { taskObservation: "name" }, { initialTaskState: 50 }, { tsk: "reach" }, { benchmarkSeed: -1 }, { benchmarkSeed: 1.5 }],
  },
});

register({
  id: METAWORLD_MT10_ID,
  description: `Meta-World-style MT10: ten manipulation tasks (task state = index: ${MT10_TASK_NAMES.join(", ")}), each episode in one of the task's ${CONFIGURATIONS_PER_TASK} fixed configurations; ${DEFAULT_EPISODE_LENGTH} steps`,
  kwargsSchema: z.strictObject({
    episodeLength,
    taskObservation,
    benchmarkSeed,
    initialTaskState: z.number().int().min(0).max(MT10_TASKS.length - 1).default(0),
  }),
  entryPoint: (kwargs) =>
    new MetaWorldMultiTaskEnv(MT10_TASKS, {
      episodeLength: kwargs.episodeLength,
      taskObservation: kwargs.taskObservation,
      benchmarkSeed: kwargs.benchmarkSeed,
      initialTaskState: kwargs.initialTaskState,
    }),
  testKwargs: {
    valid: [{ taskObservation: "one-hot", episodeLength: 150, initialTaskState: 9, benchmarkSeed: 0 }],
    invalid: [{ episodeLength: -1 }, { taskObservation: "onehot" }, { initialTaskState: 10 }, { task: "reach" }, { benchmarkSeed: "7" }],
  },
});

register({
  id: METAWORLD_MT50_ID,
  description: `Meta-World-style MT50: all fifty manipulation tasks (task state = index in the reference's MT50 order, ${MT50_TASK_NAMES[0]} … ${MT50_TASK_NAMES[MT50_TASK_NAMES.length - 1]}), each episode in one of the task's ${CONFIGURATIONS_PER_TASK} fixed configurations; ${DEFAULT_EPISODE_LENGTH} steps`,
  kwargsSchema: z.strictObject({
    episodeLength,
    taskObservation,
    benchmarkSeed,
    initialTaskState: z.number().int().min(0).max(MT50_TASK_NAMES.length - 1).default(0),
  }),
  entryPoint: (kwargs) =>
    new MetaWorldMultiTaskEnv(mt50Tasks(), {
      episodeLength: kwargs.episodeLength,
      taskObservation: kwargs.taskObservation,
      benchmarkSeed: kwargs.benchmarkSeed,
      initialTaskState: kwargs.initialTaskState,
    }),
  testKwargs: {
    valid: [{ taskObservation: "one-hot", episodeLength: 150, initialTaskState: 49, benchmarkSeed: 3 }],
    invalid: [{ episodeLength: 0 }, { taskObservation: "names" }, { initialTaskState: 50 }, { task: "reach" }, { benchmarkSeed: -2 }],
  },
});

(MUJOCO_ENV_IDS as string[]).push(METAWORLD_MT1_ID, METAWORLD_MT10_ID, METAWORLD_MT50_ID);
