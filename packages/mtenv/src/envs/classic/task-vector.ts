import { ConfigError, InvalidTaskStateError, describeValue } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";

/**
 * Helpers for environments whose task state is a vector of numbers in a box (CartPole's and
 * Acrobot's μ ∈ [−1, 1]^n, a bandit's arm probabilities in [0, 1]^k).
 *
 * A task vector is a plain `number[]`, so that a task definition survives JSON (checkpoints,
 * configs, messages). Every element is a float32 value (rounded with Math.fround): the task
 * observation is a Float32Array, and the agent is told exactly the numbers the dynamics are
 * computed from.
 */

/** What setTaskState takes for a task vector: the JSON form, or the typed arrays of earlier versions. */
export type TaskVectorInput = readonly number[] | Float32Array | Float64Array;

/** n independent uniform draws in [low, high], each rounded to float32. */
export function sampleTaskVector(rng: Rng, length: number, low: number, high: number): number[] {
  return Array.from({ length }, () => Math.fround(rng.uniform(low, high)));
}

/**
 * A private copy of `state`, each element rounded to float32, after checking it is a vector of
 * `length` finite numbers in [low, high]. Accepts a plain number array (the JSON form every
 * getTaskState() returns) and, for task states saved by earlier versions, a Float32Array or
 * Float64Array.
 */
export function checkedTaskVector(envName: string, state: unknown, length: number, low: number, high: number): number[] {
  const howToFix = `Pass an array of ${length} numbers in [${low}, ${high}], e.g. one returned by sampleTaskState() (a Float32Array is accepted too).`;
  if (!Array.isArray(state) && !(state instanceof Float32Array) && !(state instanceof Float64Array)) {
    throw new InvalidTaskStateError(`${envName}: expected the task state to be an array of ${length} numbers, got ${describeValue(state)}. ${howToFix}`);
  }
  const values = state as ArrayLike<unknown>;
  if (values.length !== length) {
    throw new InvalidTaskStateError(`${envName}: expected a task vector of length ${length}, got length ${values.length}. ${howToFix}`);
  }
  return Array.from(values, (value, i) => {
    if (typeof value !== "number") {
      throw new InvalidTaskStateError(`${envName}: task vector element ${i} is ${describeValue(value)}, not a number. ${howToFix}`);
    }
    const rounded = Math.fround(value);
    if (!Number.isFinite(rounded) || rounded < low || rounded > high) {
      throw new InvalidTaskStateError(`${envName}: task vector element ${i} is ${value}, outside [${low}, ${high}]. ${howToFix}`);
    }
    return rounded;
  });
}

/**
 * Reads `options.initialState` from reset options: a vector of `length` finite numbers that
 * replaces the random initial state (for tests and for reproducing a situation). Undefined when
 * absent.
 */
export function initialStateOption(envName: string, options: Record<string, unknown>, length: number, layout: string): Float64Array | undefined {
  const value = options["initialState"];
  if (value === undefined) return undefined;
  const isNumeric = (value instanceof Float32Array || value instanceof Float64Array || Array.isArray(value)) && Array.from(value as ArrayLike<unknown>).every((x) => typeof x === "number" && Number.isFinite(x));
  if (!isNumeric || (value as ArrayLike<number>).length !== length) {
    throw new ConfigError(
      `${envName}: reset option initialState must be ${length} finite numbers [${layout}], got ${describeValue(value)}. Omit it for a random initial state.`,
    );
  }
  return Float64Array.from(value as ArrayLike<number>);
}
