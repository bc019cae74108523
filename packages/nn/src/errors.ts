import { MTError } from "@mtrl/core/errors";

/** Tensors whose shapes do not fit the operation (the message names both shapes). */
export class ShapeError extends MTError {}

/**
 * A step-scoped tensor used after its arena memory was recycled by `engine.beginStep()` or
 * `engine.release()`; its numbers would silently belong to another tensor by now.
 */
export class StaleTensorError extends MTError {}

/** `backward()` called in a way that cannot produce gradients (non-scalar loss without a seed, ...). */
export class GradientError extends MTError {}

/** An index (task id, gather index) outside the range of the dimension it selects from. */
export class IndexError extends MTError {}

/**
 * A checkpoint that cannot be loaded into the model: corrupt or truncated file, a missing or
 * unexpected tensor name, a wrong shape or dtype. The message says which, expected vs got, and
 * what to do.
 */
export class CheckpointError extends MTError {}
