import { parse } from "yaml";
import { RunFolderError } from "../run-folder/run-dir.js";

/**
 * Which runs `npx mtrl compare` averages together, from each run's config.yaml.
 *
 * `agent`: runs of the same agent option with the same `agent.*` overrides form a group (the seeds
 * of one recipe), labelled like "care" or "mtsac agent.alpha.type=shared" (overrides that every
 * group has are left out of the labels and listed once); `env`: the same with the env option and
 * `env.*` overrides; `none`: every run alone, labelled with its name. The
 * options and overrides come from the header comment that `npx mtrl train` writes
 * ("# Resolved config, composed from: env=... agent=... experiment=... <overrides>"). A config.yaml
 * without it (a run created from code) is grouped by its resolved section instead: runs whose
 * `agent` (or `env`) sections are equal form one group, labelled after its first run.
 */

export const GROUP_BY_OPTIONS = ["agent", "env", "none"] as const;
export type GroupBy = (typeof GROUP_BY_OPTIONS)[number];

/** How a run was composed, as config.yaml tells it. */
export interface RunComposition {
  /** The group options (`env`, `agent`, `experiment`) from the header comment; null without one. */
  readonly choices: Readonly<Record<string, string>> | null;
  /** The value overrides listed in the header comment, as typed. */
  readonly overrides: readonly string[];
  /** The resolved config. */
  readonly config: Readonly<Record<string, unknown>>;
}

const HEADER = /^# Resolved config, composed from: (.*)$/m;
const GROUPS = new Set(["env", "agent", "experiment"]);

/** Reads the composition of a run from its config.yaml text; `source` names the file in errors. */
export function readRunComposition(configText: string, source: string): RunComposition {
  let config: unknown;
  try {
    config = parse(configText);
  } catch (error) {
    throw new RunFolderError(`${source} is not valid YAML (${(error as Error).message}); compare reads each run's groups from it.`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new RunFolderError(`${source} should hold the run's resolved config (env, agent, experiment), got ${config === null ? "an empty file" : typeof config}.`);
  }
  const header = HEADER.exec(configText)?.[1]?.trim();
  if (header === undefined) return { choices: null, overrides: [], config: config as Record<string, unknown> };
  // Items are "name=value"; a value may hold spaces ("[256, 256]"), so split only before the next "name=".
  const items = header.split(/\s+(?=[A-Za-z_][\w.-]*=)/).filter((item) => item !== "");
  const choices: Record<string, string> = {};
  const overrides: string[] = [];
  for (const item of items) {
    const name = item.slice(0, item.indexOf("="));
    if (GROUPS.has(name) && !(name in choices)) choices[name] = item.slice(name.length + 1);
    else overrides.push(item);
  }
  return { choices, overrides, config: config as Record<string, unknown> };
}

/** JSON with object keys sorted, so equal sections give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A group of runs: its label and the runs in it, in the order given. */
export interface RunGroup {
  readonly label: string;
  readonly runs: readonly string[];
}

/** The groups, and the overrides every group has (left out of the labels, which then show only what differs). */
export interface RunGrouping {
  readonly groups: readonly RunGroup[];
  readonly sharedOverrides: readonly string[];
}

/** Groups `runs` (name and composition) by `groupBy`; groups come in the order of their first run. */
export function groupRuns(runs: readonly { readonly name: string; readonly composition: RunComposition }[], groupBy: GroupBy): RunGrouping {
  const groups = new Map<string, { option: string | null; overrides: readonly string[]; label: string; runs: string[] }>();
  for (const run of runs) {
    let key: string;
    let entry: { option: string | null; overrides: readonly string[]; label: string };
    const option = groupBy === "none" ? undefined : run.composition.choices?.[groupBy];
    if (groupBy === "none") {
      key = `run:${run.name}`;
      entry = { option: null, overrides: [], label: run.name };
    } else if (option !== undefined) {
      // Sorted, so that the same overrides typed in another order give the same group.
      const overrides = run.composition.overrides.filter((override) => override.startsWith(`${groupBy}.`)).sort();
      key = `option:${JSON.stringify([option, ...overrides])}`;
      entry = { option, overrides, label: option }; // the final label drops the overrides every group has (below)
    } else {
      key = `section:${canonicalJson(run.composition.config[groupBy])}`;
      entry = { option: null, overrides: [], label: `${groupBy} of ${groups.get(key)?.runs[0] ?? run.name}` };
    }
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { ...entry, runs: [run.name] });
    else group.runs.push(run.name);
  }
  const composed = [...groups.values()].filter((group) => group.option !== null);
  const sharedOverrides = composed.length === 0 ? [] : composed[0]!.overrides.filter((override) => composed.every((group) => group.overrides.includes(override)));
  return {
    groups: [...groups.values()].map((group) => ({
      label: group.option === null ? group.label : [group.option, ...group.overrides.filter((override) => !sharedOverrides.includes(override))].join(" "),
      runs: group.runs,
    })),
    sharedOverrides,
  };
}
