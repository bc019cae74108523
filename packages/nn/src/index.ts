export type { BackendName, ConvolutionPath, Kernels } from "./kernels/kernels.js";
export { JsKernels } from "./kernels/js-kernels.js";
export { Arena, type ArenaStats } from "./tensor/arena.js";
export { Tensor, shapeSize, sameShape, formatShape } from "./tensor/tensor.js";
export { Engine, type BackwardOptions } from "./autodiff/engine.js";
export { TapeNode, type BackwardFunction } from "./autodiff/tape-node.js";
export { perTaskGradients, type PerTaskGradientOptions, type TaskLossReduction } from "./autodiff/per-task-gradients.js";
export { ShapeError, StaleTensorError, GradientError, IndexError, CheckpointError } from "./errors.js";
export * from "./ops/index.js";
export * from "./modules/index.js";
export * from "./optim/index.js";
export { loadKernels, getKernels, createKernels, backendNames, parseBackendName, type LoadKernelsOptions } from "./kernels/select.js";
export {
  describeBackendChoice, backendChoiceOf, timeGemmSet, type BackendChoice, type BackendChoiceReason, type TimeGemmSetOptions,
} from "./kernels/backend-choice.js";
export { cacheDirectory } from "./kernels/backend-choice-cache.js";
export { type BlasIdentity } from "./kernels/blas-identity.js";
export { WasmKernels, type WasmKernelsOptions } from "./kernels/wasm-kernels.js";
export { NativeKernels, blasCandidates, type NativeKernelsOptions } from "./kernels/native-kernels.js";
export { KernelArgumentError, KernelThreadTimeoutError, KernelsNotLoadedError, NativeBackendUnavailableError } from "./kernels/kernel-errors.js";
export * from "./io/index.js";
