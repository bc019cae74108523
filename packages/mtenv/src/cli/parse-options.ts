import { parseArgs } from "node:util";
import { didYouMean } from "../core/errors.js";
import { UsageError } from "./command.js";

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export interface ParsedOptions {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/**
 * node:util parseArgs in strict mode, with its errors turned into UsageErrors that suggest the
 * closest option ("--step" → "Did you mean: --steps?").
 */
export function parseOptions(args: readonly string[], options: OptionSpec): ParsedOptions {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown !== undefined) {
      const names = Object.keys(options).map((name) => `--${name}`);
      throw new UsageError(`Unknown option ${unknown}.${didYouMean(unknown, names)}`);
    }
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, "."));
  }
}

/** An integer option of at least `min` (default 1), or `fallback` when absent. */
export function integerOption(value: string | boolean | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`--${name} expects an integer >= ${min}, got ${JSON.stringify(value)}.`);
  }
  return parsed;
}

/** `--kwargs '{"nArms": 3}'`: a JSON object, or {} when absent. */
export function kwargsOption(value: string | boolean | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch (error) {
    throw new UsageError(`--kwargs expects a JSON object such as '{"nArms": 3}', got ${String(value)} (${error instanceof Error ? error.message : error}).`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--kwargs expects a JSON object such as '{"nArms": 3}', got ${String(value)}.`);
  }
  return parsed as Record<string, unknown>;
}
