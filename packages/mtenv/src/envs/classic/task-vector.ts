import { ConfigError, InvalidTaskStateError, describeValue } from "../../core/errors.js";
import type { Rng } from "../../core/rng.js";

/**
 * Helpers for environments whose task state is a vector of numbers in a box (CartPole's and
 * Acrobot's μ ∈ [−1, 1]^n, a bandit's arm probabilities in [0, 1]^k).
 *
 * Task vectors are Float32Arrays so that the task observation is bit-for-bit the task state:
 * the agent is told exactly the numbers the dynamics are computed from.
 */

/** n independent uniform draws in [low, high], rounded to float32. */
export function sampleTaskVector(rng: Rng, length: number, low: number, high: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.uniform(low, high);
  return out;
}

/**
 * A private copy of `state` after checking it is a vector of `length` finite numbers in
 * [low, high]. Plain number arrays are accepted too (task states restored from JSON).
 */
export function checkedTaskVector(envName: string, state: unknown, length: number, low: number, high: number): Float32Array {
  const howToFix = `Pass a Float32Array of ${length} numbers in [${low}, ${high}], e.g. one returned by sampleTaskState().`;
  const isNumberArray = Array.isArray(state) && state.every((x) => typeof x === "number");
  if (!(state instanceof Float32Array) && !(state instanceof Float64Array) && !isNumberArray) {
    throw new InvalidTaskStateError(`${envName}: expected the task state to be a vector of ${length} numbers, got ${describeValue(state)}. ${howToFix}`);
  }
  const values = state as ArrayLike<number>;
  if (values.length !== length) {
    throw new InvalidTaskStateError(`${envName}: expected a task vector of length ${length}, got length ${values.length}. ${howToFix}`);
  }
  const copy = Float32Array.from(values);
  for (let i = 0; i < length; i++) {
    const x = copy[i]!;
    if (!Number.isFinite(x) || x < low || x > high) {
      throw new InvalidTaskStateError(`${envName}: task vector element ${i} is ${values[i]}, outside [${low}, ${high}]. ${howToFix}`);
    }
  }
  return copy;
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
