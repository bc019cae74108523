export * from "./errors.js";
export { Rng, assertValidSeed, type RngState } from "./rng.js";
export type { Env, Info, MTEnv, AnyMTEnv, MTObs, MTObservationSpace, ResetOptions, StepResult } from "./types.js";
export { MTEnvBase, explainInvalidAction } from "./mt-env.js";
export { findTaskSet, findTaskNames, type HasTaskSet, type HasTaskNames } from "./task-set.js";
