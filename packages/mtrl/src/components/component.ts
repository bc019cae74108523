import type { Rng } from "@mtrl/mtenv";
import type { Engine, ParameterStore, Tensor } from "@mtrl/nn";
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
 *   gradient      per-row loss → parameter update (plain now; PCGrad/GradNorm plug in here)
 */
export type ComponentKind = "taskEncoder" | "encoder" | "trunk" | "head" | "gradient";

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
  /** Width of the task encoding the agent's task encoder produces. */
  readonly taskEncodingSize: number;
  /** Width asked of the output (heads: per task; 0 where the component chooses). */
  readonly outputSize: number;
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
}

/** input parts standing for their concatenation → hidden [rows, outputSize]. */
export interface Trunk {
  readonly outputSize: number;
  forward(parts: readonly Tensor[], context: TaskContext): Tensor;
}

/** hidden → outputs [rows, outputSize], possibly a different head per task. */
export interface Head {
  forward(hidden: Tensor, context: TaskContext): Tensor;
}

/** One trainable part the gradient step updates: its parameters and how to move them. */
export interface OptimizedGroup {
  readonly params: ParameterStore;
  /** Applies the gradient now in `params`' gradients (an Adam step). */
  update(): void;
}

/** A component that keeps state beyond its parameters (e.g. a seeded stream), saved in checkpoints. */
export interface StatefulComponent {
  /** JSON-able state, enough to continue exactly after a restart. */
  getState(): unknown;
  setState(state: unknown): void;
}

/** Turns a per-row loss into parameter updates of the given groups. */
export interface GradientStep extends Partial<StatefulComponent> {
  /** Minimises the loss of `perRowLoss` ([rows] or [rows, 1]); returns the scalar loss it reports. */
  minimize(perRowLoss: Tensor, context: TaskContext, groups: readonly OptimizedGroup[]): number;
}

interface ComponentKinds {
  taskEncoder: TaskEncoder;
  encoder: Encoder;
  trunk: Trunk;
  head: Head;
  gradient: GradientStep;
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
