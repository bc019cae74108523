import { describeValue } from "../core/errors.js";

/**
 * Where `value` stops being plain JSON data — data that `JSON.parse(JSON.stringify(value))` gives
 * back unchanged: null, booleans, strings, finite numbers, arrays without holes and objects whose
 * prototype is Object.prototype (or null), nested to any depth. Returns a sentence naming the
 * first offending path (written from `path`, e.g. "getTaskState().rewardProbabilities[2]") and
 * what JSON would make of it, or undefined when the whole value is plain JSON.
 *
 * Task states must be plain JSON so that a task definition can be stored in a checkpoint or a
 * config file and sent between processes; a Float32Array, for one, comes back as {"0": …, "1": …}.
 */
export function findNonJsonValue(value: unknown, path = "value"): string | undefined {
  return visit(value, path, new Set());
}

function visit(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON writes as null`;
    case "undefined":
      return `${path} is undefined, which JSON drops (or writes as null inside an array)`;
    case "bigint":
      return `${path} is a bigint (${value}n), which JSON.stringify refuses`;
    case "function":
    case "symbol":
      return `${path} is a ${typeof value}, which JSON drops`;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ArrayBuffer.isView(object)) {
    return `${path} is a ${describeValue(object, 60)}, which JSON writes as an object {"0": …} (use a plain array, e.g. Array.from(typedArray))`;
  }
  if (ancestors.has(object)) return `${path} refers back to an enclosing value (a cycle), which JSON.stringify refuses`;
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        if (!(i in object)) return `${path}[${i}] is a hole in a sparse array, which JSON writes as null`;
        const problem = visit(object[i], `${path}[${i}]`, ancestors);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    const prototype = Object.getPrototypeOf(object) as object | null;
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (prototype as { constructor?: { name?: string } }).constructor?.name ?? "object with a custom prototype";
      return `${path} is a ${kind}, not a plain object, which JSON does not give back (it keeps only own enumerable fields, or what toJSON returns)`;
    }
    for (const [key, field] of Object.entries(object)) {
      const problem = visit(field, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(object);
  }
}
