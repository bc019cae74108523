export { ParameterStore, type FlatParameters } from "./parameter-store.js";
export { uniformInit, constantInit, defaultLinearBound, orthogonalInit, deltaOrthogonalInit, reluGain, type InitScheme } from "./init.js";
export { Linear, type LinearOptions } from "./linear.js";
export { GroupedLinear, type GroupedLinearOptions } from "./grouped-linear.js";
export { MLP, type MLPOptions } from "./mlp.js";
export { LayerNorm, type LayerNormOptions } from "./layer-norm.js";
export { Conv2d, ConvTranspose2d, type Conv2dLayerOptions, type ConvTranspose2dLayerOptions } from "./conv.js";
