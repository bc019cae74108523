import { z } from "zod";
import { components, type ComponentConfig } from "../components/builtin-components.js";

/**
 * The training configuration: what `npx mtrl train` composes from `config/` and the command line,
 * validated here at the boundary and handed to the runner as a deeply frozen `TrainConfig`.
 *
 * Every object is strict (an unknown key is an error, never silently ignored). The agent's own
 * fields are required: the YAML group files are the single place where their defaults live. A
 * component's options default in the component's own file, so `agent.encoder.type=moe` alone is a
 * complete choice; either way the `config.yaml` of a run holds the resolved values, saying exactly
 * what the agent received. Components are chosen by discriminated unions (`encoder: { type: "moe" }`),
 * never by boolean flags.
 */

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const positiveNumber = z.number().positive();
/** An Adam beta: the decay rate of a moment estimate. */
const beta = z.number().min(0).lt(1);

/** The environment section (`config/env/<option>.yaml`). */
export const envConfigSchema = z.strictObject({
  /** Registry id passed to `make()`, e.g. "MT-Pendulum-v0" (`npx mtrl list` shows every id). */
  id: z.string().min(1),
  /** Keyword arguments passed to `make()`; validated by the environment's own schema. */
  kwargs: z.record(z.string(), z.unknown()),
  /** Tasks trained together: the vector env runs one copy of the environment per task. */
  numTasks: positiveInt,
  /**
   * A named split of the env's variants (runner/task-splits.ts): train on its training variants,
   * evaluate on those and on its held-out groups too. hipbmdp: the reference's HiP-BMDP split
   * (train 2, 3, 6, 7; interpolation 4, 5; extrapolation 1, 8, 0-based). Absent: no split.
   */
  split: z.enum(["hipbmdp"]).optional(),
});

/**
 * The multi-task components, one union per slot, assembled from the component registry
 * (src/components/): each variant's options and their defaults live in the variant's own file.
 */
export const taskEncoderConfigSchema = components.configSchema("taskEncoder") as z.ZodType<ComponentConfig<"taskEncoder">>;
export const encoderConfigSchema = components.configSchema("encoder") as z.ZodType<ComponentConfig<"encoder">>;
export const trunkConfigSchema = components.configSchema("trunk") as z.ZodType<ComponentConfig<"trunk">>;
export const headConfigSchema = components.configSchema("head") as z.ZodType<ComponentConfig<"head">>;
export const gradientConfigSchema = components.configSchema("gradient") as z.ZodType<ComponentConfig<"gradient">>;
export const distillationConfigSchema = components.configSchema("distillation") as z.ZodType<ComponentConfig<"distillation">>;
export const auxiliaryConfigSchema = components.configSchema("auxiliary") as z.ZodType<ComponentConfig<"auxiliary">>;

/** The entropy the temperature is tuned towards. */
export const targetEntropyConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({
    /** Minus the action dimension, −|A| (the SAC default). */
    type: z.literal("auto"),
  }),
  z.strictObject({
    /** A fixed target entropy. */
    type: z.literal("fixed"),
    /** The target entropy in nats. */
    value: z.number(),
  }),
]);

const temperatureFields = {
  /** Initial temperature α (not its log). */
  initTemperature: positiveNumber,
  /** Adam learning rate of log α. */
  lr: positiveNumber,
  /** Adam (β1, β2) of log α. */
  betas: z.tuple([beta, beta]),
  /** The entropy the temperature is tuned towards. */
  targetEntropy: targetEntropyConfigSchema,
};

/** The learned SAC temperature. */
export const alphaConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({
    /** One log α per task ("disentangled alpha" of the reference), each tuned on its task's entropy. */
    type: z.literal("per-task"),
    ...temperatureFields,
  }),
  z.strictObject({
    /** One log α shared by all tasks. */
    type: z.literal("shared"),
    ...temperatureFields,
  }),
]);

/** The tanh-Gaussian policy. */
export const actorConfigSchema = z
  .strictObject({
    /** The hidden layers: mlp, film or soft-modularization. */
    trunk: trunkConfigSchema,
    /** The output layer: single (shared) or multi-head (one per task). */
    head: headConfigSchema,
    /** [min, max]: the log standard deviation is squashed into this range (reference: [-20, 2]). */
    logStdBounds: z.tuple([z.number(), z.number()]),
    /** Adam learning rate. */
    lr: positiveNumber,
    /** Adam (β1, β2). */
    betas: z.tuple([beta, beta]),
    /** Update the actor (and α) every this many critic updates. */
    updateEvery: positiveInt,
    /**
     * What the actor reads: "shared", the critic encoder's output detached; or "own", the
     * encoder's shared part (a pixel encoder's convolutions) detached, through a linear →
     * LayerNorm → tanh head of the actor's own, trained by the actor's loss (SAC-AE ties only the
     * convolutions between actor and critic).
     */
    encoderHead: z.enum(["shared", "own"]).default("shared"),
  })
  .superRefine((actor, context) => {
    const [min, max] = actor.logStdBounds;
    if (!(min < max)) {
      context.addIssue({ code: "custom", path: ["logStdBounds"], message: `expected [min, max] with min < max, got [${min}, ${max}]` });
    }
  });

/** The twin Q critics and their target copies. */
export const criticConfigSchema = z.strictObject({
  /** The hidden layers of each Q network: mlp, film or soft-modularization. */
  trunk: trunkConfigSchema,
  /** The output layer of each Q network: single (shared) or multi-head (one per task). */
  head: headConfigSchema,
  /** Adam learning rate. */
  lr: positiveNumber,
  /** Adam (β1, β2). */
  betas: z.tuple([beta, beta]),
  /** Polyak coefficient of the target update: target ← τ·online + (1 − τ)·target. */
  tau: z.number().gt(0).max(1),
  /** Polyak coefficient of the target encoder (reference: 0.05, faster than the Q networks'). */
  encoderTau: z.number().gt(0).max(1),
  /** Update the targets every this many critic updates. */
  targetUpdateEvery: positiveInt,
});

/** The replay buffer. */
export const replayConfigSchema = z.strictObject({
  /** Capacity in transitions (all tasks together); the oldest are overwritten first. */
  capacity: positiveInt,
  /** uniform: over all stored transitions; per-task-balanced: the same number from every task. */
  sampling: z.enum(["uniform", "per-task-balanced"]),
  /**
   * How observations are stored: frame-stack keeps stacked pixel frames (a uint8 Box [3·k, H, W])
   * once each as bytes; flat keeps every observation whole as float32; auto (absent in configs
   * written before it existed) picks frame-stack for such pixels and flat otherwise.
   */
  observations: z.enum(["auto", "flat", "frame-stack"]).default("auto"),
});

/** Multi-task SAC (`config/agent/mtsac.yaml`). */
export const mtsacConfigSchema = z.strictObject({
  /** The agent kind. */
  type: z.literal("mtsac"),
  /** Discount factor γ of the Bellman target. */
  discount: z.number().min(0).max(1),
  /** Transitions per gradient update. */
  batchSize: positiveInt,
  /**
   * How layers start: "uniform" (torch's defaults) or "orthogonal" (the SAC-AE / MTRL reference's
   * weight_init: orthogonal linears, delta-orthogonal convolutions with ReLU gain, zero biases).
   */
  initScheme: z.enum(["uniform", "orthogonal"]).default("uniform"),
  /** The tanh-Gaussian policy. */
  actor: actorConfigSchema,
  /** The twin Q critics. */
  critic: criticConfigSchema,
  /** The learned temperature. */
  alpha: alphaConfigSchema,
  /** How the task is encoded: one-hot, learned, metadata or observation (shared by actor and critic). */
  taskEncoder: taskEncoderConfigSchema,
  /** Feature extractor of the critic, read detached by the actor: identity, mlp or moe. */
  encoder: encoderConfigSchema,
  /** How per-row losses become parameter updates: plain, pcgrad or gradnorm (critic and actor). */
  gradient: gradientConfigSchema,
  /** A shared policy distilled from the task policies: none, or distral (absent in configs written before it existed: none). */
  distillation: distillationConfigSchema.default({ type: "none" }),
  /** A loss trained beside SAC through the critic's encoder: none, or sac-ae (absent in configs written before it existed: none). */
  auxiliary: auxiliaryConfigSchema.default({ type: "none" }),
  /** The replay buffer. */
  replay: replayConfigSchema,
});

/** The agent section (`config/agent/<option>.yaml`): one variant per agent kind. */
export const agentConfigSchema = z.discriminatedUnion("type", [mtsacConfigSchema]);

/** The experiment section (`config/experiment/<option>.yaml`): budget, cadences, bookkeeping. */
export const experimentConfigSchema = z.strictObject({
  /** Run seed; every random stream (env, task, replay, policy, init) derives from it. */
  seed: z.number().int().min(0).lt(2 ** 32),
  /** Training length in steps; one step = one step of every task's environment. */
  totalSteps: positiveInt,
  /** Steps with uniformly random actions before the agent acts and learns. */
  warmupSteps: nonNegativeInt,
  /** Gradient updates per step once warm-up is over. */
  updatesPerStep: positiveInt,
  /**
   * The first step after warm-up makes `warmupSteps` updates instead of `updatesPerStep`, all
   * with that step's update index (so the actor, target and decoder cadences fire on each), as
   * the SAC-AE and MTRL references do (`num_updates = init_steps if step == init_steps else 1`).
   */
  warmupBurst: z.boolean().default(false),
  /** Evaluate (deterministic policy, every task) every this many steps. */
  evalEvery: positiveInt,
  /** Episodes per task in each evaluation. */
  evalEpisodes: positiveInt,
  /** Save a resumable checkpoint every this many steps. */
  checkpointEvery: positiveInt,
  /** Write a train row of metrics every this many steps. */
  logEvery: positiveInt,
  /** sync: all envs in this thread; parallel: envs spread over worker threads. Same results either way. */
  vectorEnv: z.enum(["sync", "parallel"]),
  /** Run folder name; null = "<env>-<agent>-seed<seed>", with a -2, -3, ... suffix when taken. */
  runName: z.string().regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'").nullable(),
  /** Folder holding the run folders, relative to the working directory. */
  runsDir: z.string().min(1),
});

/** The whole resolved configuration. */
export const trainConfigSchema = z.strictObject({
  /** The multi-task environment. */
  env: envConfigSchema,
  /** The agent and its components. */
  agent: agentConfigSchema,
  /** Budget, cadences, seed and run folder. */
  experiment: experimentConfigSchema,
});

/** Recursively readonly: the runner receives a frozen config and must not change it. */
export type DeepReadonly<T> = T extends (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends readonly unknown[]
    ? { readonly [Index in keyof T]: DeepReadonly<T[Index]> }
    : T extends object
      ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
      : T;

/** The resolved, validated, frozen training configuration (doc comments on the schema fields above). */
export type TrainConfig = DeepReadonly<z.output<typeof trainConfigSchema>>;
export type EnvConfig = TrainConfig["env"];
export type AgentConfig = TrainConfig["agent"];
export type MTSACConfig = Extract<AgentConfig, { type: "mtsac" }>;
export type ActorConfig = MTSACConfig["actor"];
export type CriticConfig = MTSACConfig["critic"];
export type AlphaConfig = MTSACConfig["alpha"];
export type TargetEntropyConfig = AlphaConfig["targetEntropy"];
export type EncoderConfig = MTSACConfig["encoder"];
export type TaskEncoderConfig = MTSACConfig["taskEncoder"];
export type TrunkConfig = ActorConfig["trunk"];
export type HeadConfig = ActorConfig["head"];
export type GradientConfig = MTSACConfig["gradient"];
export type DistillationConfig = MTSACConfig["distillation"];
export type AuxiliaryConfig = MTSACConfig["auxiliary"];
export type ReplayConfig = MTSACConfig["replay"];
export type ExperimentConfig = TrainConfig["experiment"];

/** The config groups, in the order they are composed. */
export const CONFIG_GROUPS = ["env", "agent", "experiment"] as const;
export type ConfigGroup = (typeof CONFIG_GROUPS)[number];
