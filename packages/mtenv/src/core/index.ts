export * from "./errors.js";
export { Rng, assertValidSeed, type RngState } from "./rng.js";
export type { Env, Info, MTEnv, AnyMTEnv, MTObs, MTObservationSpace, ResetOptions, StepResult } from "./types.js";
export { MTEnvBase, explainInvalidAction } from "./mt-env.js";
export { findTaskSet, findTaskNames, findTaskDescriber, type HasTaskSet, type HasTaskNames, type DescribesTasks } from "./task-set.js";
