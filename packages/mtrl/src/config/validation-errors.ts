import { z } from "zod";
import { describeValue, didYouMean } from "@mtrl/core";
import { knownKeysAt, schemaAt, type PathSegment } from "./schema-walk.js";

/**
 * Where each value of a composed config came from ("config/agent/mtsac.yaml", "the command line:
 * agent.discount=x"), keyed by dotted path. Errors quote it so a user knows which file or argument
 * to fix.
 */
export type Provenance = ReadonlyMap<string, string>;

/** "agent.actor.hiddenSizes.1": the same dotted form the command line uses for overrides. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.length === 0 ? "(the whole config)" : path.map(String).join(".");
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let value = input;
  for (const segment of path) value = (value as Record<PropertyKey, unknown> | null | undefined)?.[segment];
  return value;
}

function sourceOf(provenance: Provenance | undefined, path: readonly PathSegment[]): string | undefined {
  if (provenance === undefined) return undefined;
  for (let length = path.length; length >= 0; length--) {
    const source = provenance.get(path.slice(0, length).map(String).join("."));
    if (source !== undefined) return source;
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a section";
  return `a ${typeof value}`;
}

const EXPECTED_NOUNS: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "a section (key: value pairs)",
  array: "a list such as [1, 2]",
  tuple: "a list such as [1, 2]",
  record: "a section (key: value pairs)",
  null: "null",
};

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string }, direction: "min" | "max"): string {
  const limit = direction === "min" ? issue.minimum : issue.maximum;
  if (issue.origin === "array" || issue.origin === "string") {
    const unit = issue.origin === "array" ? "item" : "character";
    return `${direction === "min" ? "at least" : "at most"} ${String(limit)} ${unit}${Number(limit) === 1 ? "" : "s"}`;
  }
  const operator = direction === "min" ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
  return `a number ${operator} ${String(limit)}`;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): string[] {
  const path = issue.path as PathSegment[];
  const received = valueAt(input, path);
  const where = formatPath(path);
  const got = received === undefined ? "nothing (the key is missing)" : describeValue(received);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = knownKeysAt(schema, path, input);
      return issue.keys.map(
        (key) =>
          `${formatPath([...path, key])}: unknown key.${didYouMean(key, allowed)} Allowed keys here: ${allowed.join(", ") || "(none)"}.`,
      );
    }
    case "invalid_union": {
      if (issue.inclusive !== false && issue.options !== undefined && issue.options.length > 0) {
        const options = issue.options.map(String);
        const suggestion = typeof received === "string" ? didYouMean(received, options) : "";
        return [`${where}: expected one of ${options.join(", ")}, got ${got}.${suggestion}`];
      }
      return [`${where}: ${issue.message}, got ${got}.`];
    }
    case "invalid_value": {
      const options = issue.values.map(String);
      const suggestion = typeof received === "string" ? didYouMean(received, options) : "";
      return [`${where}: expected one of ${options.join(", ")}, got ${got}.${suggestion}`];
    }
    case "invalid_type": {
      const target = schemaAt(schema, path, input);
      const wantsInteger = target instanceof z.ZodNumber && target.isInt === true;
      const expected = wantsInteger ? "an integer" : (EXPECTED_NOUNS[issue.expected] ?? issue.expected);
      if (received === undefined) return [`${where}: missing; expected ${expected}. Add it to the YAML file or set ${where}=<value>.`];
      let hint = "";
      if (issue.expected === "string" && (typeof received === "number" || typeof received === "boolean")) {
        hint = ` YAML reads ${String(received)} as ${kindOf(received)}; quote it to keep it text: ${where}='"${String(received)}"'.`;
      }
      return [`${where}: expected ${expected}, got ${got} (${kindOf(received)}).${hint}`];
    }
    case "too_small":
      return [`${where}: expected ${bound(issue, "min")}, got ${got}.`];
    case "too_big":
      return [`${where}: expected ${bound(issue, "max")}, got ${got}.`];
    case "invalid_format":
      return [`${where}: ${issue.message}, got ${got}.`];
    case "custom":
      return [`${where}: ${issue.message}.`];
    default:
      return [`${where}: ${issue.message}, got ${got}.`];
  }
}

/**
 * One line per problem, each naming the path, the bad value, what is allowed and (for names) the
 * closest valid ones; a second indented line says where the value came from when known.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, schema: z.ZodType, provenance?: Provenance): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    const described = describeIssue(issue, input, schema);
    if (issue.code === "unrecognized_keys") {
      issue.keys.forEach((key, index) => {
        lines.push(described[index] ?? "");
        const source = sourceOf(provenance, [...path, key]);
        if (source !== undefined) lines.push(`    (from ${source})`);
      });
    } else {
      lines.push(...described);
      const source = sourceOf(provenance, path);
      if (source !== undefined) lines.push(`    (from ${source})`);
    }
  }
  return lines;
}
