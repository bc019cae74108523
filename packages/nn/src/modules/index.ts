export { ParameterStore, type FlatParameters } from "./parameter-store.js";
export { uniformInit, constantInit, defaultLinearBound } from "./init.js";
export { Linear, type LinearOptions } from "./linear.js";
export { MLP, type MLPOptions } from "./mlp.js";
