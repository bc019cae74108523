import { MTError } from "@mtrl/core/errors";

/**
 * The error base and the generic errors live in @mtrl/core (shared with the engine, @mtrl/nn);
 * they are re-exported here so `import { ConfigError } from "@mtrl/mtenv"` keeps working.
 */
export { MTError, ConfigError, SeedError, describeValue, closestNames, didYouMean } from "@mtrl/core/errors";

/** `make(id)` with an id nobody registered. */
export class UnregisteredEnvError extends MTError {}

/** `register()` with an id that is already taken. */
export class DuplicateEnvError extends MTError {}

/** An action that does not lie in the action space (wrong shape, NaN, out of range). */
export class InvalidActionError extends MTError {}

/** `step()` before the first `reset()`, or after an episode ended without a reset. */
export class ResetNeededError extends MTError {}

/** Any call on an environment after `close()`. */
export class ClosedEnvironmentError extends MTError {}

/** Spaces that should agree (vector envs, wrappers, checkpoints) do not. */
export class SpaceMismatchError extends MTError {}

/** A space constructed with inconsistent arguments (low > high, n <= 0, ...). */
export class InvalidSpaceError extends MTError {}

/** A task state that the environment cannot accept. */
export class InvalidTaskStateError extends MTError {}

/**
 * A failure inside the MuJoCo adapter: the engine not initialised, a model MuJoCo rejected (the
 * message carries MuJoCo's own text), or a name that is not in the model.
 */
export class MujocoError extends MTError {}

/** A vector env's worker thread failed to start, crashed, or did not answer within its timeout. */
export class VectorEnvError extends MTError {}
