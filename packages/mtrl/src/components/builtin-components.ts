import type { z } from "zod";
import { deepMdpAuxiliary } from "./auxiliary/deepmdp.js";
import { hipBmdpAuxiliary } from "./auxiliary/hipbmdp.js";
import { noAuxiliary, sacAeAuxiliary } from "./auxiliary/sac-ae.js";
import type { ComponentDefinition, ComponentKind } from "./component.js";
import { identityEncoder } from "./encoders/identity.js";
import { mixtureEncoder } from "./encoders/mixture.js";
import { mlpEncoder } from "./encoders/mlp.js";
import { pixelEncoder } from "./encoders/pixel.js";
import { distralDistillation, noDistillation } from "./distillation/distral.js";
import { gradNormGradientStep } from "./gradient-steps/gradnorm.js";
import { pcgradGradientStep } from "./gradient-steps/pcgrad.js";
import { plainGradientStep } from "./gradient-steps/plain.js";
import { multiHead } from "./heads/multi-head.js";
import { singleHead } from "./heads/single.js";
import { ComponentRegistry } from "./registry.js";
import { learnedTaskEncoder } from "./task-encoders/learned.js";
import { metadataTaskEncoder } from "./task-encoders/metadata.js";
import { noTaskEncoder } from "./task-encoders/none.js";
import { observationTaskEncoder } from "./task-encoders/observation.js";
import { oneHotTaskEncoder } from "./task-encoders/one-hot.js";
import { filmTrunk } from "./trunks/film.js";
import { mlpTrunk } from "./trunks/mlp.js";
import { softModularizationTrunk } from "./trunks/soft-modularization.js";

/** A new variant is one file plus one line here; the config schema and its types follow. */
const definitions = [
  oneHotTaskEncoder,
  learnedTaskEncoder,
  metadataTaskEncoder,
  observationTaskEncoder,
  noTaskEncoder,
  identityEncoder,
  mlpEncoder,
  mixtureEncoder,
  pixelEncoder,
  mlpTrunk,
  filmTrunk,
  softModularizationTrunk,
  singleHead,
  multiHead,
  plainGradientStep,
  pcgradGradientStep,
  gradNormGradientStep,
  noDistillation,
  distralDistillation,
  noAuxiliary,
  sacAeAuxiliary,
  deepMdpAuxiliary,
  hipBmdpAuxiliary,
] as const;

/** Every component that ships with the library. */
export const builtinComponents: readonly ComponentDefinition[] = definitions as unknown as readonly ComponentDefinition[];

/** The config type of a slot: the union of its built-in variants' option objects (or names). */
export type ComponentConfig<Kind extends ComponentKind> = (typeof definitions)[number] extends infer Definition
  ? Definition extends { readonly kind: Kind; readonly schema: infer Schema extends z.ZodType }
    ? z.output<Schema>
    : never
  : never;

/** The registry the config schema and the agents use. */
export const components = new ComponentRegistry(builtinComponents);
