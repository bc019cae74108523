export { AutoresetMode, checkAutoresetMode, isAutoresetMode } from "./autoreset-mode.js";
export { BatchedSpace, flatBounds } from "./batched-space.js";
export { deriveEnvSeed } from "./seeding.js";
export { DataCloneError } from "./clone.js";
export { buildEnv } from "./build-env.js";
export { importEnvModules, loadBuiltinEnvs } from "./env-modules.js";
export { VectorEnvBase } from "./vector-env-base.js";
export { SyncVectorEnv, type EnvSource } from "./sync-vector-env.js";
export { ParallelVectorEnv, type ParallelVectorEnvOptions } from "./parallel-vector-env.js";
export { makeMultiTaskVectorEnv, type MultiTaskVectorEnvOptions } from "./multi-task-vector-env.js";
export type {
  BatchedObservationSpace,
  FinalObservation,
  VectorEnv,
  VectorEnvOptions,
  VectorEnvSpec,
  VectorResetOptions,
  VectorResetResult,
  VectorStepResult,
} from "./types.js";
