import { MTError } from "@mtrl/core/errors";

/**
 * A kernel called with arguments that would read or write outside its arrays (a stride smaller
 * than a row, an array shorter than the matrix it should hold). The fast backends check this
 * because, unlike plain JS, they would not fail: WASM would silently touch other tensors.
 */
export class KernelArgumentError extends MTError {}

/** A GEMM worker thread did not finish within its time limit; the message carries its state. */
export class KernelThreadTimeoutError extends MTError {}

/** `getKernels()` before `await loadKernels()` finished. */
export class KernelsNotLoadedError extends MTError {}

/** The native addon could not be loaded or found no BLAS (the reason is in the message). */
export class NativeBackendUnavailableError extends MTError {}
