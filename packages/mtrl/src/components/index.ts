export type { StatefulComponent, BuildContext, ComponentDefinition, ComponentKind, ComponentOf, Encoder, GradientStep, Head, OptimizedGroup, TaskDescriptions, TaskEncoder, Trunk } from "./component.js";
export { defineComponent } from "./component.js";
export { ComponentRegistry } from "./registry.js";
export { builtinComponents, components } from "./builtin-components.js";
export { TaskContext } from "./task-context.js";
export type { MixtureEncoder } from "./encoders/mixture.js";
export { clustersFromDescriptions, type RoutingMode } from "./encoders/mixture-routing.js";
