import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, closestNames, describeValue } from "@mtrl/core";

/** One fixed vector per task of the run, in the run's task order, all `width` long. */
export interface TaskMetadata {
  width: number;
  vectors: Float32Array[];
}

const EXPECTED_FORMAT = '{ "task name": [numbers], ... } with one array per task, all of the same length';

/** A version suffix a file key may carry beyond the run's task name: "reach-v1" for "reach". */
const VERSION_SUFFIX = /-v\d+$/;

/** How many of the file's keys a "missing task" error lists. */
const KEYS_SHOWN = 12;

/**
 * Reads the task metadata vectors of a run from a JSON file `{ "task name": [numbers], ... }`,
 * the reference MTRL's format (e.g. its 768-d RoBERTa sentence embeddings keyed by "reach-v1",
 * "push-v1", ...), and returns them in the order of `taskNames`.
 *
 * A key matches a task of the same name; failing that, a key that adds a version suffix
 * ("-v1", "-v2", any "-v<digits>") to the name, so the reference's files work for our unversioned
 * task names ("reach-v1" for "reach"). Two suffixed keys for one task are ambiguous and rejected.
 * Keys no task uses are ignored, so one file can serve several benchmarks.
 *
 * Every row must be a non-empty array of finite numbers, all rows of one width, and that width
 * must equal `expectedWidth` when given. Every failure is a ConfigError naming the file, what
 * was expected and what came.
 */
export function loadTaskMetadataFile(path: string, taskNames: readonly string[], expectedWidth?: number): TaskMetadata {
  const where = `task metadata file ${path}`;
  const rows = parseRows(readText(path, where), where);
  const width = checkedWidth(rows, where, expectedWidth);
  const keys = Object.keys(rows);
  const matched = taskNames.map((task) => ({ task, key: keyForTask(task, keys, where) }));
  const missing = matched.filter((match) => match.key === undefined).map((match) => match.task);
  if (missing.length > 0) throw missingTasksError(missing, taskNames, keys, where);
  // Copies: the caller may keep or change the vectors without touching each other's.
  return { width, vectors: matched.map((match) => Float32Array.from(rows[match.key!]!)) };
}

function readText(path: string, where: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") {
      throw new ConfigError(
        `The ${where} does not exist (looked for ${resolve(path)}). Expected a JSON file ${EXPECTED_FORMAT}; a relative path is taken from the working directory.`,
      );
    }
    throw new ConfigError(`The ${where} cannot be read: ${(error as Error).message}. Expected a readable JSON file ${EXPECTED_FORMAT}.`);
  }
}

/** The file's rows after checking it is an object of arrays of finite numbers. */
function parseRows(text: string, where: string): Record<string, number[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`The ${where} is not valid JSON (${(error as Error).message}). Expected ${EXPECTED_FORMAT}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? `an array (${describeValue(parsed, 60)})` : describeValue(parsed, 60);
    throw new ConfigError(`The ${where} must hold a JSON object ${EXPECTED_FORMAT}, got ${got}.`);
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new ConfigError(`The ${where} is an empty object: expected ${EXPECTED_FORMAT}.`);
  for (const [key, row] of entries) {
    if (!Array.isArray(row)) {
      throw new ConfigError(`In the ${where}, "${key}" holds ${describeValue(row, 60)}, expected an array of numbers: ${EXPECTED_FORMAT}.`);
    }
    row.forEach((value: unknown, index) => {
      if (typeof value === "number" && Number.isFinite(value)) return;
      // JSON.stringify writes NaN and ±Infinity as null, and 1e999 parses as Infinity.
      const hint = value === null ? " (null is how JSON.stringify writes NaN and Infinity)" : "";
      throw new ConfigError(
        `In the ${where}, element ${index} of "${key}" is ${describeValue(value, 60)}${hint}: every element must be a finite number. Regenerate the vector for "${key}".`,
      );
    });
  }
  return parsed as Record<string, number[]>;
}

/** The common width of every row; it must be positive and, if given, `expectedWidth`. */
function checkedWidth(rows: Record<string, number[]>, where: string, expectedWidth: number | undefined): number {
  const [firstKey, firstRow] = Object.entries(rows)[0]!;
  const width = firstRow.length;
  for (const [key, row] of Object.entries(rows)) {
    if (row.length === 0) throw new ConfigError(`In the ${where}, "${key}" is an empty array: every task needs a vector of at least one number.`);
    if (row.length !== width) {
      throw new ConfigError(
        `In the ${where}, rows have different widths: "${firstKey}" has ${width} numbers but "${key}" has ${row.length}. Every task's vector must have the same width.`,
      );
    }
  }
  if (expectedWidth !== undefined && width !== expectedWidth) {
    throw new ConfigError(
      `The ${where} holds vectors of width ${width} (e.g. task "${firstKey}"), expected width ${expectedWidth}. Use a file made for width ${expectedWidth}, or set the expected width to ${width}.`,
    );
  }
  return width;
}

/** The file key of `task`: the exact name, else the name plus a version suffix; undefined when absent. */
function keyForTask(task: string, keys: readonly string[], where: string): string | undefined {
  if (keys.includes(task)) return task;
  const suffixed = keys.filter((key) => VERSION_SUFFIX.test(key) && key.replace(VERSION_SUFFIX, "") === task);
  if (suffixed.length > 1) {
    throw new ConfigError(
      `In the ${where}, task "${task}" matches several versioned keys: ${suffixed.map((key) => `"${key}"`).join(", ")}. Keep one, or add the exact key "${task}".`,
    );
  }
  return suffixed[0];
}

function missingTasksError(missing: readonly string[], taskNames: readonly string[], keys: readonly string[], where: string): ConfigError {
  // Compared without their version suffix, so "pusj-v1" is one typo away from "push".
  const keyByName = new Map<string, string>();
  for (const key of keys) if (!keyByName.has(key.replace(VERSION_SUFFIX, ""))) keyByName.set(key.replace(VERSION_SUFFIX, ""), key);
  const suggestions = missing
    .map((task) => {
      const close = closestNames(task, keyByName.keys()).map((name) => keyByName.get(name)!);
      return `  "${task}": ${close.length > 0 ? `did you mean ${close.join(", ")}?` : "no close key."}`;
    })
    .join("\n");
  const shownKeys = keys.slice(0, KEYS_SHOWN).join(", ") + (keys.length > KEYS_SHOWN ? `, ... (${keys.length} keys)` : "");
  return new ConfigError(
    `The ${where} has no vector for ${missing.length === 1 ? "task" : "tasks"} ${missing.map((task) => `"${task}"`).join(", ")}.\n` +
      `${suggestions}\n` +
      `The run needs a vector for each of its tasks: ${taskNames.join(", ")} (a key may add a version suffix, e.g. "reach-v1" for "reach").\n` +
      `The file has: ${shownKeys}.`,
  );
}
