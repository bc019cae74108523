import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, YAMLParseError } from "yaml";
import { ConfigError, didYouMean } from "@mtrl/mtenv/errors";
import { CONFIG_GROUPS, type ConfigGroup } from "./schema.js";

/**
 * A config folder: `train.yaml` names the default option of each group, and
 * `<group>/<option>.yaml` holds one option (e.g. `env/mt-pendulum.yaml`).
 *
 * Several folders can be searched together (a `ConfigDirs` list, e.g. the shipped groups, then the
 * user's): they merge file by file, and a later folder wins — a user's `agent/mtsac.yaml` replaces
 * the shipped one, a user's `agent/mine.yaml` adds an option, a user's `train.yaml` replaces the
 * shipped defaults as a whole.
 */

/** One config folder, or folders merged in order (later wins, file by file). */
export type ConfigDirs = string | readonly string[];

/**
 * The config groups shipped inside the @mtrl/mtrl package (its `config/` folder), found from this
 * file so it works from any working directory, from the sources (src/config/) and from the build
 * (dist/config/) alike.
 */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL("../../config/", import.meta.url));

const OPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** What a folder must hold at least one of to be a config folder. */
const CONFIG_ENTRIES = ["train.yaml", ...CONFIG_GROUPS];

function asList(configDirs: ConfigDirs): readonly string[] {
  return typeof configDirs === "string" ? [configDirs] : configDirs;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface ConfigSearchOptions {
  /** A folder given by the user (`--config-dir`); an error when it is not a config folder. */
  readonly configDir?: string | undefined;
  /** Where `config/` is looked for; the working directory by default. */
  readonly cwd?: string;
}

/**
 * The folders the CLI composes from, in merge order: the shipped groups, then `config/` in the
 * working directory when it exists, then `--config-dir`. Each folder appears once.
 */
export function resolveConfigDirs(options: ConfigSearchOptions = {}): string[] {
  const dirs = [DEFAULT_CONFIG_DIR];
  const workingConfig = join(resolve(options.cwd ?? process.cwd()), "config");
  if (isDirectory(workingConfig)) dirs.push(workingConfig);
  if (options.configDir !== undefined) {
    const userDir = resolve(options.cwd ?? process.cwd(), options.configDir);
    if (!isDirectory(userDir)) {
      throw new ConfigError(
        `--config-dir ${options.configDir}: no such folder (${userDir}). ` +
          `Expected a folder holding <group>/<option>.yaml files (groups: ${CONFIG_GROUPS.join(", ")}) and optionally train.yaml.`,
      );
    }
    if (!CONFIG_ENTRIES.some((entry) => existsSync(join(userDir, entry)))) {
      throw new ConfigError(
        `--config-dir ${options.configDir}: the folder holds none of ${CONFIG_ENTRIES.map((entry) => (entry.endsWith(".yaml") ? entry : `${entry}/`)).join(", ")}. ` +
          `Pass the folder that contains the group folders (e.g. my-config/ holding my-config/agent/my-agent.yaml).`,
      );
    }
    dirs.push(userDir);
  }
  const unique: string[] = [];
  for (const dir of dirs.map((path) => join(path, "/"))) if (!unique.includes(dir)) unique.push(dir);
  return unique;
}

/** A short, stable way to name a file in messages: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd !== "" && !fromCwd.startsWith("..") ? fromCwd : path;
}

/** Parses a YAML file; syntax errors become ConfigErrors naming the file, line and column. */
export function readYamlFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${displayPath(path)}: ${(error as Error).message}`);
  }
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      const position = at === undefined ? "" : `:${at.line}:${at.col}`;
      throw new ConfigError(`${displayPath(path)}${position}: invalid YAML: ${error.message.split("\n")[0]}. Fix the file's syntax.`);
    }
    throw error;
  }
}

/** The options of one group, sorted: the YAML file names without extension, over every folder. */
export function listGroupOptions(configDirs: ConfigDirs, group: ConfigGroup): string[] {
  const options = new Set<string>();
  for (const configDir of asList(configDirs)) {
    const folder = join(configDir, group);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) if (name.endsWith(".yaml")) options.add(name.slice(0, -".yaml".length));
  }
  return [...options].sort();
}

/** Every group with its options. */
export function listAllGroupOptions(configDirs: ConfigDirs): Record<ConfigGroup, string[]> {
  return Object.fromEntries(CONFIG_GROUPS.map((group) => [group, listGroupOptions(configDirs, group)])) as Record<ConfigGroup, string[]>;
}

/** The group folders searched, for messages: `config/env/`, or `a/env/ or b/env/`. */
function describeFolders(configDirs: ConfigDirs, group: string): string {
  return asList(configDirs).map((configDir) => `${displayPath(join(configDir, group))}/`).join(" or ");
}

/**
 * Path of `<group>/<option>.yaml` in the last folder that has it; an option that does not exist is
 * an error listing the ones that do.
 */
export function groupOptionPath(configDirs: ConfigDirs, group: ConfigGroup, option: string): string {
  const path = OPTION_NAME.test(option)
    ? [...asList(configDirs)].reverse().map((configDir) => join(configDir, group, `${option}.yaml`)).find((candidate) => existsSync(candidate))
    : undefined;
  if (path === undefined) {
    const options = listGroupOptions(configDirs, group);
    throw new ConfigError(
      `${group}=${option}: no such ${group} option in ${describeFolders(configDirs, group)}.` +
        ` Available: ${options.join(", ") || "(none)"}.${didYouMean(option, options)}`,
    );
  }
  return path;
}

/** The default option of each group, from the last folder's `train.yaml` (the file wins as a whole). */
export function readDefaults(configDirs: ConfigDirs): Record<ConfigGroup, string> {
  const folders = asList(configDirs);
  const path = [...folders].reverse().map((configDir) => join(configDir, "train.yaml")).find((candidate) => existsSync(candidate));
  if (path === undefined) {
    const searched = folders.map((configDir) => displayPath(join(configDir, "train.yaml"))).join(" or ");
    throw new ConfigError(`No ${searched}: the config folder must hold train.yaml with defaults for ${CONFIG_GROUPS.join(", ")}.`);
  }
  const document = readYamlFile(path);
  const defaults = (document as { defaults?: unknown } | null)?.defaults;
  const problems: string[] = [];
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    problems.push("expected a section with a `defaults:` key");
  } else {
    for (const key of Object.keys(document)) {
      if (key !== "defaults") problems.push(`${key}: unknown key.${didYouMean(key, ["defaults"])} Allowed keys here: defaults.`);
    }
  }
  const result: Partial<Record<ConfigGroup, string>> = {};
  if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults)) {
    if (problems.length === 0) problems.push("defaults: expected a section such as { env: mt-pendulum, agent: mtsac, experiment: default }");
  } else {
    for (const [group, option] of Object.entries(defaults)) {
      if (!(CONFIG_GROUPS as readonly string[]).includes(group)) {
        problems.push(`defaults.${group}: unknown group.${didYouMean(group, CONFIG_GROUPS)} Groups: ${CONFIG_GROUPS.join(", ")}.`);
      } else if (typeof option !== "string") {
        problems.push(`defaults.${group}: expected an option name, got ${JSON.stringify(option)}`);
      } else {
        result[group as ConfigGroup] = option;
      }
    }
    for (const group of CONFIG_GROUPS) {
      if (!(group in defaults)) problems.push(`defaults.${group}: missing; expected one of ${listGroupOptions(configDirs, group).join(", ") || "(none)"}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid ${displayPath(path)}:\n${problems.map((line) => `  ${line}`).join("\n")}`);
  return result as Record<ConfigGroup, string>;
}
