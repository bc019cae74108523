import type { Rng } from "@mtrl/mtenv";
import type { Adam, Engine, ParameterStore, Tensor } from "@mtrl/nn";
import type { z } from "zod";
import type { TaskContext } from "./task-context.js";

/**
 * A multi-task component is one file exporting a `ComponentDefinition`: which slot it fills
 * (`kind`), its name in configs (`type`), the zod schema of its options (a strict object whose
 * `type` field is that literal; options have defaults there, so `agent.encoder.type=moe` alone is a
 * complete choice), a one-line summary for `mtrl list`, and `build`. The config unions are assembled
 * from the registered definitions, so adding a variant never touches the config schema, the agent
 * or save/load (its parameters live in the group it is built in).
 *
 * The slots, in the order data flows through actor and critic:
 *   task encoder  task index → task encoding (shared by actor and critic)
 *   encoder       observation (+ task encoding) → features (the critic's; the actor reads it detached)
 *   trunk         [features ‖ task encoding (‖ action)] (+ task encoding) → hidden
 *   head          hidden (+ task index) → outputs (actor: mean ‖ log-std; critic: Q)
 *   gradient      per-row loss → parameter update (plain, PCGrad, GradNorm)
 *   distillation  a shared policy distilled from the task policies (none, Distral)
 *   auxiliary     a loss trained beside SAC through the critic's encoder (none, SAC-AE's decoder,
 *                 DeepMDP's and HiP-BMDP's transition and reward models)
 */
export type ComponentKind = "taskEncoder" | "encoder" | "trunk" | "head" | "gradient" | "distillation" | "auxiliary";

/** What every task the agent is built for is called and how the env describes it. */
export interface TaskDescriptions {
  /** Names as in metric keys ("reach", "task0", ...). */
  readonly names: readonly string[];
  /** One sentence per task (the env's own words; empty strings when the env has none). */
  readonly descriptions: readonly string[];
  /** The env's task observation (`taskObs`, flattened) of each task, when known. */
  readonly observations?: readonly Float32Array[];
}

/** Everything a component may need at build time. */
export interface BuildContext {
  readonly engine: Engine;
  /** The parameter group the component creates its parameters in (its own child group). */
  readonly params: ParameterStore;
  /** Seeded initialisation stream of this component. */
  readonly rng: Rng;
  readonly numTasks: number;
  readonly tasks: TaskDescriptions;
  /** Width of the component's input (encoders: observation; trunks: all input parts; heads: hidden). */
  readonly inputSize: number;
  /** The environment observation's shape when the agent knows it (pixels: [channels, height, width]); encoders of images read it. */
  readonly observationShape?: readonly number[];
  /** Width of the task encoding the agent's task encoder produces. */
  readonly taskEncodingSize: number;
  /** Width asked of the output (heads: per task; 0 where the component chooses). */
  readonly outputSize: number;
  /** The range the policies' log standard deviations are squashed into (the actor's `logStdBounds`). */
  readonly logStdBounds: LogStdBounds;
  /** The critic's encoder and its parameters (auxiliary losses train it too). */
  readonly sharedEncoder?: { readonly encoder: Encoder; readonly params: ParameterStore };
  /** Width of the agent's actions (auxiliary losses that model transitions read them). */
  readonly actionSize?: number;
}

/** task index → task encoding [rows, outputSize]. */
export interface TaskEncoder {
  readonly outputSize: number;
  /** Whether it has parameters to train (the one-hot has none). */
  readonly trainable: boolean;
  encode(context: TaskContext): Tensor;
}

/** observation [rows, inputSize] → features [rows, outputSize]; may read `context.taskEncoding`. */
export interface Encoder {
  readonly outputSize: number;
  encode(observations: Tensor, context: TaskContext): Tensor;
  /**
   * The encoder in two parts, for an actor with its own head (`actor.encoderHead: own`, SAC-AE's
   * tied convolutions): `encode(x)` is `project(shared(x))`; the actor reads `shared(x)` detached
   * and maps it with a head of its own, built by `buildHead` on the actor's parameters. Absent:
   * the encoder cannot be split and the actor reads `encode(x)` detached.
   */
  readonly split?: EncoderSplit;
  /**
   * Data augmentation of training batches (never of acting): writes `rows` augmented copies of
   * `observations` [rows × inputSize] into `out`, drawn with `rng`. Absent: no augmentation.
   */
  augment?(observations: Float32Array, rows: number, rng: Rng, out: Float32Array): void;
}

/** An encoder as a shared part and a projection (see Encoder.split). */
export interface EncoderSplit {
  shared(observations: Tensor, context: TaskContext): Tensor;
  project(shared: Tensor, context: TaskContext): Tensor;
  /** A fresh projection with its own parameters in `params` (the actor's), initialised from `rng`. */
  buildHead(params: ParameterStore, rng: Rng): (shared: Tensor) => Tensor;
}

/** input parts standing for their concatenation → hidden [rows, outputSize]. */
export interface Trunk {
  readonly outputSize: number;
  forward(parts: readonly Tensor[], context: TaskContext): Tensor;
  /** The parameters of its last layer (GradNorm's "last shared layer" when the head is per task); default: all of the trunk's. */
  readonly lastLayer?: readonly Tensor[];
}

/** hidden → outputs [rows, outputSize], possibly a different head per task. */
export interface Head {
  forward(hidden: Tensor, context: TaskContext): Tensor;
  /** Whether each task has its own parameters (multi-head): gradient surgery leaves them a plain gradient. */
  readonly taskSpecific?: boolean;
}

/** One trainable part the gradient step updates: its parameters and how to move them. */
export interface OptimizedGroup {
  readonly params: ParameterStore;
  /** Applies the gradient now in `params`' gradients (an Adam step). */
  update(): void;
  /** Parameters of `params` that belong to one task each (per-task heads): PCGrad gives them their plain gradient. */
  readonly taskSpecific?: readonly Tensor[];
  /** Parameters of `params` forming the last layer all tasks share: where GradNorm measures gradient norms. */
  readonly lastSharedLayer?: readonly Tensor[];
}

/**
 * The loss of one update as a function of the rows it covers, so that a gradient step can run one
 * forward pass over the whole batch (plain) or one per task over that task's rows only (PCGrad,
 * GradNorm): a task's loss depends on its own rows alone, so the per-task passes together cost about
 * one pass over the batch instead of one per task.
 */
export interface BatchLoss {
  /**
   * Runs the forward pass (with gradient) over `rows` (indices into the batch, or null for every row
   * in batch order) and returns one loss per row of it, [rows] or [rows, 1].
   */
  forward(rows: Int32Array | null): Tensor;
}

/** A component that keeps state beyond its parameters (e.g. a seeded stream), saved in checkpoints. */
export interface StatefulComponent {
  /** JSON-able state, enough to continue exactly after a restart. */
  getState(): unknown;
  setState(state: unknown): void;
}

/** Turns a batch's per-row losses into parameter updates of the given groups. */
export interface GradientStep extends Partial<StatefulComponent> {
  /**
   * Minimises `loss` over the batch whose tasks `context` holds; returns the scalar it reports (the
   * mean per-row loss of the batch).
   */
  minimize(loss: BatchLoss, context: TaskContext, groups: readonly OptimizedGroup[]): number;
  /** Values to log after the last `minimize` (e.g. GradNorm's task weights), keyed by metric name suffix. */
  metrics?(): Readonly<Record<string, number>>;
}

/** The actor's log-std squash: logStd = min + ½(max − min)(tanh(raw) + 1). */
export interface LogStdBounds {
  readonly logStdMin: number;
  readonly logStdMax: number;
}

/**
 * A shared policy distilled from the task policies (Distral). It reads the observation only — no
 * task — and is trained towards the task policies, whose soft values and actor loss are
 * regularised towards it: V = min Q + klCoefficient · log π0 − (klCoefficient + α_task · entropyScale) · log π.
 */
export interface DistilledPolicy {
  /** Weight of log π0 in the task policies' regularised reward (0: plain SAC targets). */
  readonly klCoefficient: number;
  /** Multiplies each task's SAC temperature in the entropy term (1 / Distral's β). */
  readonly entropyScale: number;
  /** Which policy acts at evaluation (deterministic actions): the shared one or each task's own. */
  readonly evaluationPolicy: "shared" | "task";
  /** The shared policy's optimizer (saved with the agent's). */
  readonly optimizer: Adam;
  /** [rows, 2 · actions]: mean ‖ raw log-std of the shared policy on observations [rows, observationSize]. */
  forward(observations: Tensor): Tensor;
  /**
   * log π0(a|s), [rows, 1], of the task policy's squashed sample a = tanh(μ + noise · σ) (`taskParams`
   * [rows, 2 · actions]); differentiable w.r.t. `taskParams` through the sample, not w.r.t. π0 (`sharedParams` read as values).
   */
  logProbOfTaskSample(sharedParams: Tensor, taskParams: Tensor, noise: Tensor): Tensor;
  /** One distillation step of π0 towards the task policies' Gaussians (`taskParams` [rows × 2 · actions] values); returns its loss. */
  distill(observations: Tensor, taskParams: Float32Array): number;
}

/** One saved part of an auxiliary loss: its parameters and the optimizer it steps them with. */
export interface AuxiliaryGroup {
  readonly name: string;
  readonly params: ParameterStore;
  readonly optimizer: Adam;
}

/**
 * A loss trained beside SAC through the critic's encoder (SAC-AE's pixel decoder), with its own
 * parameters, optimizers and cadence.
 */
export interface AuxiliaryLoss {
  /** What the agent saves and loads (parameters and optimizer moments). */
  readonly groups: readonly AuxiliaryGroup[];
  /**
   * Runs after the SAC steps of update `updateIndex` on the batch's observations [rows × inputSize];
   * `rng` is the agent's saved stream (for noise); `batch` is the whole (augmented) batch, for losses
   * of transitions (DeepMDP's transition and reward models). Returns its metrics, none on skipped updates.
   */
  update(observations: Float32Array, rows: number, context: TaskContext, updateIndex: number, rng: Rng, batch: AuxiliaryBatch): Readonly<Record<string, number>>;
}

/** The transitions of one update, as an auxiliary loss reads them (row-major, `size` rows). */
export interface AuxiliaryBatch {
  readonly size: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  readonly taskIndices: Int32Array;
}

interface ComponentKinds {
  taskEncoder: TaskEncoder;
  encoder: Encoder;
  trunk: Trunk;
  head: Head;
  gradient: GradientStep;
  distillation: DistilledPolicy | null;
  auxiliary: AuxiliaryLoss | null;
}

/** The built object of a slot. */
export type ComponentOf<Kind extends ComponentKind> = ComponentKinds[Kind];

/** One registered variant of a slot. */
export interface ComponentDefinition<Kind extends ComponentKind = ComponentKind, Schema extends z.ZodType = z.ZodType> {
  readonly kind: Kind;
  readonly type: string;
  /** One line for `mtrl list` and the README. */
  readonly summary: string;
  /** Strict object with `type: z.literal(type)` and defaulted options. */
  readonly schema: Schema;
  build(config: z.output<Schema>, context: BuildContext): ComponentOf<Kind>;
}

/** Typed helper for writing a definition: infers the config type of `build` from the schema. */
export function defineComponent<Kind extends ComponentKind, Schema extends z.ZodType>(definition: ComponentDefinition<Kind, Schema>): ComponentDefinition<Kind, Schema> {
  return definition;
}
