/**
 * What crosses between the vector env and its environments — call() arguments and results, infos —
 * is structured-cloned, in the sync vector env too, so that both behave alike and results never
 * alias an environment's internals.
 */

/** A value that cannot be structured-cloned (functions, class instances with methods...). */
export class DataCloneError extends Error {
  override readonly name = "DataCloneError";
}

/** The message for a value of kind `what` that could not be cloned. */
export function cloneFailureMessage(what: string, reason: string): string {
  return `${what} cannot be sent between threads (${reason}). Keep it to plain data: numbers, strings, arrays, plain objects, typed arrays.`;
}

/** structuredClone with a DataCloneError that names `what`. */
export function cloneAcrossThreads<T>(value: T, what: string): T {
  try {
    return structuredClone(value);
  } catch (error) {
    throw new DataCloneError(cloneFailureMessage(what, error instanceof Error ? error.message : String(error)));
  }
}
