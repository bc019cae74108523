import { ConfigError } from "@mtrl/core";
import { type ConfigDirs, DEFAULT_CONFIG_DIR, displayPath, groupOptionPath, readDefaults, readYamlFile } from "./config-dir.js";
import { applyOverride, parseOverrides, type ValueOverride } from "./overrides.js";
import { knownKeysAt, schemaAt } from "./schema-walk.js";
import { CONFIG_GROUPS, trainConfigSchema, type ConfigGroup, type TrainConfig } from "./schema.js";
import { formatIssues, type Provenance } from "./validation-errors.js";

/**
 * Hydra-style composition: train.yaml's defaults, replaced by `group=option` choices, then the
 * `key.path=value` overrides in command-line order, then validation by the strict schema.
 * Precedence (last wins): group file < value override. A group choice never overrides a value
 * override, whatever the order on the command line.
 */

export interface ComposeOptions {
  /**
   * The config folder, or folders merged in order (later wins, file by file); the groups shipped
   * in the package (`DEFAULT_CONFIG_DIR`) by default. The CLI passes `resolveConfigDirs(...)`: the
   * shipped groups, the working directory's `config/` and `--config-dir`.
   */
  readonly configDir?: ConfigDirs;
}

export interface ComposedConfig {
  /** The validated, deeply frozen configuration. */
  readonly config: TrainConfig;
  /** The option picked for each group (for the run name and the header of config.yaml). */
  readonly choices: Readonly<Record<ConfigGroup, string>>;
  /** The value overrides as typed, in order. */
  readonly overrides: readonly string[];
}

/** Object.freeze all the way down, so the runner cannot change a config by accident. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function recordProvenance(value: unknown, path: string, source: string, provenance: Map<string, string>): void {
  provenance.set(path, source);
  if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) recordProvenance(child, `${path}.${key}`, source, provenance);
  }
}

/**
 * Validates a raw config tree. Problems are reported together in one ConfigError, each line naming
 * the path, the bad value, what is allowed and where the value came from.
 */
export function validateTrainConfig(input: unknown, options: { provenance?: Provenance; source?: string } = {}): TrainConfig {
  const parsed = trainConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = formatIssues(parsed.error.issues, input, trainConfigSchema, options.provenance);
    const count = parsed.error.issues.length;
    throw new ConfigError(
      `Invalid configuration${options.source === undefined ? "" : ` in ${options.source}`} (${count} problem${count === 1 ? "" : "s"}):\n` +
        lines.map((line) => `  ${line}`).join("\n") +
        "\nRun `npx mtrl list` for the groups and components, or `npx mtrl train --print-config` to see the composed config.",
    );
  }
  return deepFreeze(parsed.data) as TrainConfig;
}

/**
 * Switching a variant on the command line (`agent=moe agent.encoder.type=identity`) drops the file's
 * options of the old variant: a component (whose options all have defaults) restarts from `{ type }`
 * — an option of the same name may mean something else in the new variant (hiddenSizes of a
 * metadata vs a learned task encoder) — and other sections (alpha: per-task ↔ shared, whose fields
 * have no defaults) keep the keys the new variant accepts. Options typed on the command line are
 * applied after, in any order; the new variant's defaults fill the rest.
 */
function dropOptionsOfReplacedVariants(tree: Record<string, unknown>, overrides: readonly ValueOverride[]): void {
  for (const override of overrides) {
    if (override.path.length < 2 || override.path[override.path.length - 1] !== "type") continue;
    const sectionPath = override.path.slice(0, -1);
    let section: unknown = tree;
    for (const segment of sectionPath) section = (section as Record<string, unknown> | undefined)?.[segment];
    if (typeof section !== "object" || section === null || Array.isArray(section)) continue;
    const current = section as Record<string, unknown>;
    if (current["type"] === override.value) continue;
    const probe = structuredClone(tree);
    let probeSection: Record<string, unknown> = probe;
    for (const segment of sectionPath) probeSection = probeSection[segment] as Record<string, unknown>;
    probeSection["type"] = override.value;
    const variant = schemaAt(trainConfigSchema, sectionPath, probe);
    if (variant === undefined) continue;
    if (variant.safeParse({ type: override.value }).success) {
      for (const key of Object.keys(current)) if (key !== "type") delete current[key];
      continue;
    }
    const accepted = knownKeysAt(trainConfigSchema, sectionPath, probe);
    for (const key of Object.keys(current)) if (!accepted.includes(key)) delete current[key];
  }
}

/** Composes and validates the training config from command-line style arguments. */
export function composeConfig(argumentsList: readonly string[], options: ComposeOptions = {}): ComposedConfig {
  const configDir = options.configDir ?? DEFAULT_CONFIG_DIR;
  const parsed = parseOverrides(argumentsList);
  const choices = { ...readDefaults(configDir), ...parsed.groups };
  const tree: Record<string, unknown> = {};
  const provenance = new Map<string, string>();
  for (const group of CONFIG_GROUPS) {
    const path = groupOptionPath(configDir, group, choices[group]);
    const content = readYamlFile(path);
    if (typeof content !== "object" || content === null || Array.isArray(content)) {
      throw new ConfigError(`${displayPath(path)}: expected a section of key: value pairs, got ${content === null ? "an empty file" : JSON.stringify(content)}.`);
    }
    tree[group] = content;
    recordProvenance(content, group, displayPath(path), provenance);
  }
  dropOptionsOfReplacedVariants(tree, parsed.values);
  for (const override of parsed.values) {
    for (const path of applyOverride(tree, override)) {
      recordProvenance(override.value, path, `the command line: ${override.text}`, provenance);
    }
  }
  const config = validateTrainConfig(tree, { provenance });
  return { config, choices: Object.freeze(choices), overrides: Object.freeze(parsed.values.map((value) => value.text)) };
}
