import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, YAMLParseError } from "yaml";
import { ConfigError, didYouMean } from "@mtrl/mtenv";
import { CONFIG_GROUPS, type ConfigGroup } from "./schema.js";

/**
 * The `config/` folder: `train.yaml` names the default option of each group, and
 * `<group>/<option>.yaml` holds one option (e.g. `env/mt-pendulum.yaml`).
 */

/** The repository's `config/` folder, found from this file so it works from any working directory. */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL("../../../../config/", import.meta.url));

const OPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

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

/** The options of one group, sorted: the YAML file names without extension. */
export function listGroupOptions(configDir: string, group: ConfigGroup): string[] {
  const folder = join(configDir, group);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => name.slice(0, -".yaml".length))
    .sort();
}

/** Every group with its options. */
export function listAllGroupOptions(configDir: string): Record<ConfigGroup, string[]> {
  return Object.fromEntries(CONFIG_GROUPS.map((group) => [group, listGroupOptions(configDir, group)])) as Record<ConfigGroup, string[]>;
}

/** Path of `<group>/<option>.yaml`; an option that does not exist is an error listing the ones that do. */
export function groupOptionPath(configDir: string, group: ConfigGroup, option: string): string {
  const options = listGroupOptions(configDir, group);
  if (!OPTION_NAME.test(option) || !options.includes(option)) {
    throw new ConfigError(
      `${group}=${option}: no such ${group} option in ${displayPath(join(configDir, group))}/.` +
        ` Available: ${options.join(", ") || "(none)"}.${didYouMean(option, options)}`,
    );
  }
  return join(configDir, group, `${option}.yaml`);
}

/** The default option of each group, from `train.yaml`. */
export function readDefaults(configDir: string): Record<ConfigGroup, string> {
  const path = join(configDir, "train.yaml");
  if (!existsSync(path)) {
    throw new ConfigError(`No ${displayPath(path)}: the config folder must hold train.yaml with defaults for ${CONFIG_GROUPS.join(", ")}.`);
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
      if (!(group in defaults)) problems.push(`defaults.${group}: missing; expected one of ${listGroupOptions(configDir, group).join(", ") || "(none)"}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid ${displayPath(path)}:\n${problems.map((line) => `  ${line}`).join("\n")}`);
  return result as Record<ConfigGroup, string>;
}
