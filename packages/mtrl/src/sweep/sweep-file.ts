import { createHash } from "node:crypto";
import { z } from "zod";
import { ConfigError } from "@mtrl/core";
import { composeConfig } from "../config/compose.js";
import { displayPath, readYamlFile } from "../config/config-dir.js";
import { formatIssues } from "../config/validation-errors.js";

/**
 * A sweep file: runs over config overrides and seeds, expanded into named runs.
 *
 *   name: pendulum-heads            the sweep's folder: <runsDir>/pendulum-heads/
 *   base: [env=mt-pendulum, experiment=smoke]   overrides every run gets
 *   grid:                           key → values; every combination (Cartesian product)
 *     agent: [mtsac-small, mtmhsac]
 *     agent.discount: [0.98, 0.99]
 *   list:                           explicit combinations, after the grid's
 *     - { agent: care, agent.encoder.numExperts: 2 }
 *   seeds: [1, 2, 3]                each combination once per seed (experiment.seed)
 *
 * Keys are the command line's: a group (`agent`), a dotted path, or an experiment key (`seed`).
 */

/** A name usable as a folder: the same characters run folders allow. */
const FOLDER_NAME = /^[A-Za-z0-9._-]+$/;
/** Keys the sweep sets itself: where each run lives, and the seed through `seeds`. */
const RESERVED_KEYS = ["runsDir", "runName", "experiment.runsDir", "experiment.runName"];
const SEED_KEYS = ["seed", "experiment.seed"];

const overrideValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);
const overrideMapSchema = z.record(z.string(), overrideValueSchema);

export const sweepFileSchema = z
  .object({
    /** The sweep's folder name under the runs directory. */
    name: z.string().regex(FOLDER_NAME, "expected a folder name of letters, digits, '.', '_' and '-'"),
    /** Overrides every run gets, as on the command line (`env=mt-pendulum`). */
    base: z.array(z.string().regex(/^[^=]+=/, "expected key=value, e.g. env=mt-pendulum")).default([]),
    /** Key → the values to try; every combination is a run (per seed). */
    grid: z.record(z.string(), z.array(overrideValueSchema).min(1)).default({}),
    /** Explicit combinations, run after the grid's. */
    list: z.array(overrideMapSchema).default([]),
    /** The seeds of every combination (experiment.seed); absent: the config's seed. */
    seeds: z.array(z.number().int().min(0)).min(1).optional(),
  })
  .strict();

export type SweepFile = z.infer<typeof sweepFileSchema>;

/** One run of a sweep: its folder name and the overrides that make its config. */
export interface SweepRun {
  readonly name: string;
  /** Every override, base first, as `key=value` command-line arguments. */
  readonly overrides: readonly string[];
}

export interface Sweep {
  readonly name: string;
  readonly runs: readonly SweepRun[];
}

type OverrideValue = z.infer<typeof overrideValueSchema>;

/** The value as the command line types it: YAML that reads back as the same value. */
function overrideText(value: OverrideValue): string {
  if (typeof value === "string") {
    // A string that YAML would read as something else ("3", "true", "null") keeps its quotes.
    return /^[A-Za-z_][A-Za-z0-9_.\-/]*$/.test(value) && !["true", "false", "null", "yes", "no", "on", "off", "~"].includes(value.toLowerCase())
      ? value
      : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** A value as part of a folder name: `[64, 64]` → `64_64`, `1e-3` → `0.001`. */
function namePart(value: OverrideValue): string {
  const text = Array.isArray(value) ? value.join("_") : String(value);
  return text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "empty";
}

function checkKeys(keys: readonly string[], where: string, seedsGiven: boolean, problems: string[]): void {
  for (const key of keys) {
    if (RESERVED_KEYS.includes(key)) problems.push(`${where}${key}: set by the sweep (each run lives in <runsDir>/<sweep name>/<run name>); remove it and use --runs-dir.`);
    if (seedsGiven && SEED_KEYS.includes(key)) problems.push(`${where}${key}: the seeds come from \`seeds:\`; remove it here or remove \`seeds:\`.`);
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(key)) problems.push(`${where}${key}: expected a group (agent), a dotted path (agent.discount) or an experiment key (seed).`);
  }
}

/** Validates a parsed sweep file; every problem is one line naming its path. `source` names the file. */
export function validateSweepFile(input: unknown, source: string): SweepFile {
  const parsed = sweepFileSchema.safeParse(input);
  const fail = (lines: readonly string[]): never => {
    throw new ConfigError(
      `Invalid sweep file ${source} (${lines.length} problem${lines.length === 1 ? "" : "s"}):\n${lines.map((line) => `  ${line}`).join("\n")}\n` +
        "A sweep file has name, base (optional), grid and/or list, and seeds (optional); see npx mtrl sweep --help.",
    );
  };
  if (!parsed.success) fail(formatIssues(parsed.error.issues, input, sweepFileSchema));
  const sweep = parsed.data!;
  const problems: string[] = [];
  const seedsGiven = sweep.seeds !== undefined;
  checkKeys(sweep.base.map((override) => override.slice(0, override.indexOf("="))), "base: ", seedsGiven, problems);
  checkKeys(Object.keys(sweep.grid), "grid.", seedsGiven, problems);
  sweep.list.forEach((entry, index) => checkKeys(Object.keys(entry), `list.${index}.`, seedsGiven, problems));
  if (sweep.seeds !== undefined && new Set(sweep.seeds).size !== sweep.seeds.length) problems.push(`seeds: each seed once, got ${JSON.stringify(sweep.seeds)}.`);
  if (problems.length > 0) fail(problems);
  return sweep;
}

/** Every combination of the grid, the first key varying slowest. */
function gridPoints(grid: Readonly<Record<string, readonly OverrideValue[]>>): Array<Array<[string, OverrideValue]>> {
  let points: Array<Array<[string, OverrideValue]>> = [[]];
  for (const [key, values] of Object.entries(grid)) {
    points = points.flatMap((point) => values.map((value) => [...point, [key, value] as [string, OverrideValue]]));
  }
  return points;
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 6);
}

/**
 * The runs of a sweep, in a fixed order (grid combinations, then list entries, each once per
 * seed), with names made of the values that vary: `mtsac-small-seed1`, `discount0.98-mtmhsac-seed2`.
 * A group's value stands alone, a dotted key is shortened to its last segment (unless another key
 * ends alike); names that would collide use the full keys, and any that still collide get a hash
 * of their overrides.
 */
export function expandSweep(sweep: SweepFile): Sweep {
  const combinations = [...(Object.keys(sweep.grid).length > 0 || sweep.list.length === 0 ? gridPoints(sweep.grid) : []), ...sweep.list.map((entry) => Object.entries(entry))];
  const seeds: ReadonlyArray<number | undefined> = sweep.seeds ?? [undefined];
  const varying = combinations.flatMap((combination) => seeds.map((seed) => (seed === undefined ? combination : [...combination, ["seed", seed] as [string, OverrideValue]])));
  const lastSegment = (key: string): string => key.slice(key.lastIndexOf(".") + 1);
  // Dotted keys that end alike (agent.actor.lr, agent.critic.lr) are always named in full.
  const keys = new Set(varying.flatMap((entries) => entries.map(([key]) => key)));
  const ambiguous = new Set([...keys].filter((key) => key.includes(".") && [...keys].some((other) => other !== key && lastSegment(other) === lastSegment(key))));
  const label = (key: string, value: OverrideValue, full: boolean): string => {
    if (!key.includes(".") && key !== "seed" && !full) return namePart(value);
    return `${full || ambiguous.has(key) ? key.replace(/\./g, "_") : lastSegment(key)}${namePart(value)}`;
  };
  const nameWith = (entries: ReadonlyArray<[string, OverrideValue]>, full: boolean): string => entries.map(([key, value]) => label(key, value, full)).join("-") || "run";
  const overridesOf = (entries: ReadonlyArray<[string, OverrideValue]>): string[] => [...sweep.base, ...entries.map(([key, value]) => `${key}=${overrideText(value)}`)];

  let names = varying.map((entries) => nameWith(entries, false));
  const collides = (list: readonly string[]): boolean => new Set(list).size !== list.length;
  if (collides(names)) names = varying.map((entries) => nameWith(entries, true));
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  names = names.map((name, index) => {
    const tooLong = name.length > 120;
    if (counts.get(name)! === 1 && !tooLong) return name;
    return `${tooLong ? name.slice(0, 110) : name}-${shortHash(overridesOf(varying[index]!).join("\n"))}`;
  });
  if (collides(names)) {
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    throw new ConfigError(`Sweep ${sweep.name}: two runs have the same overrides (${repeated}); list each combination once.`);
  }
  return { name: sweep.name, runs: varying.map((entries, index) => ({ name: names[index]!, overrides: overridesOf(entries) })) };
}

/**
 * Reads, validates and expands a sweep file, and composes every run's config so that a bad key or
 * value is found now (naming the run), not hours later on some worker.
 */
export function loadSweep(path: string): Sweep {
  const sweep = expandSweep(validateSweepFile(readYamlFile(path), displayPath(path)));
  for (const run of sweep.runs) {
    try {
      composeConfig(run.overrides);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`Sweep file ${displayPath(path)}, run ${run.name} (${run.overrides.join(" ")}): ${error.message}`);
    }
  }
  return sweep;
}
