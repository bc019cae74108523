import { parse } from "yaml";
import { ConfigError, didYouMean } from "@mtrl/core";
import { rejectReferenceAgentOption, rejectReferenceSpelling } from "./reference-spellings.js";
import { CONFIG_GROUPS, experimentConfigSchema, type ConfigGroup } from "./schema.js";

/**
 * Command-line overrides in the Hydra style:
 *   `group=option`     picks `config/<group>/<option>.yaml` (e.g. `env=mt-pendulum`);
 *   `key.path=value`   sets one value after all groups are merged (e.g. `agent.discount=0.98`);
 *   `key=value`        shorthand for `experiment.key=value` (e.g. `seed=3`).
 * Values are YAML: `3` is a number, `[256, 256]` a list, `null` null, `"3"` the text 3.
 */

/** A `key.path=value` override, already split and parsed. */
export interface ValueOverride {
  /** The path segments, e.g. ["agent", "encoder", "type"]. */
  readonly path: readonly string[];
  /** The value parsed as YAML. */
  readonly value: unknown;
  /** The argument as the user typed it, for error messages. */
  readonly text: string;
}

export interface ParsedOverrides {
  /** Group choices from the command line (unchosen groups use train.yaml's defaults). */
  readonly groups: Partial<Record<ConfigGroup, string>>;
  /** Value overrides, in command-line order (a later one wins). */
  readonly values: readonly ValueOverride[];
}

const EXPERIMENT_KEYS = Object.keys(experimentConfigSchema.shape);

function parseValue(raw: string, argument: string): unknown {
  try {
    return parse(raw);
  } catch (error) {
    throw new ConfigError(
      `${argument}: the value is not valid YAML (${(error as Error).message.split("\n")[0]}). ` +
        `Quote text with special characters, e.g. key='"a: b"'.`,
    );
  }
}

/** Splits the arguments into group choices and value overrides; malformed arguments are errors. */
export function parseOverrides(argumentsList: readonly string[]): ParsedOverrides {
  const groups: Partial<Record<ConfigGroup, string>> = {};
  const values: ValueOverride[] = [];
  for (const argument of argumentsList) {
    const equals = argument.indexOf("=");
    if (equals <= 0) {
      throw new ConfigError(
        `${JSON.stringify(argument)}: expected group=option (e.g. env=mt-pendulum) or key.path=value (e.g. agent.discount=0.98).`,
      );
    }
    const key = argument.slice(0, equals);
    const raw = argument.slice(equals + 1);
    if (key.startsWith("+") || key.startsWith("~")) {
      throw new ConfigError(`${argument}: adding (+) or deleting (~) keys is not supported; every key is already in the config groups. Set it with ${key.slice(1)}=<value>.`);
    }
    if ((CONFIG_GROUPS as readonly string[]).includes(key)) {
      const group = key as ConfigGroup;
      if (group === "agent") rejectReferenceAgentOption(raw, argument);
      if (groups[group] !== undefined) {
        throw new ConfigError(`${argument}: the ${group} group was already chosen (${group}=${groups[group]}). Choose each group once.`);
      }
      groups[group] = raw;
      continue;
    }
    rejectReferenceSpelling(key, argument);
    const path = key.split(".");
    if (path.some((segment) => segment === "")) {
      throw new ConfigError(`${argument}: empty segment in the key path "${key}". Write dotted paths such as agent.actor.lr=0.001.`);
    }
    if (path.length === 1) {
      if (!EXPERIMENT_KEYS.includes(key)) {
        throw new ConfigError(
          `${argument}: "${key}" is neither a config group (${CONFIG_GROUPS.join(", ")}) nor an experiment key.` +
            `${didYouMean(key, [...CONFIG_GROUPS, ...EXPERIMENT_KEYS])} Use a dotted path for other keys, e.g. agent.discount=0.98.`,
        );
      }
      path.unshift("experiment");
    }
    values.push({ path, value: parseValue(raw, argument), text: argument });
  }
  return { groups, values };
}

function isSection(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets `override.value` at its path inside `tree` (mutated). Missing sections are created so that
 * switching a union variant (`agent.encoder.type=moe agent.encoder.numExperts=4`) works; unknown keys
 * are caught afterwards by the strict schema, with suggestions. Returns the dotted paths it created
 * or replaced, for provenance.
 */
export function applyOverride(tree: Record<string, unknown>, override: ValueOverride): string[] {
  const touched: string[] = [];
  let container: Record<string, unknown> | unknown[] = tree;
  for (let index = 0; index < override.path.length; index++) {
    const segment = override.path[index]!;
    const isLast = index === override.path.length - 1;
    const prefix = override.path.slice(0, index + 1).join(".");
    if (Array.isArray(container)) {
      const position = Number(segment);
      if (!Number.isInteger(position) || position < 0 || position >= container.length) {
        throw new ConfigError(
          `${override.text}: ${override.path.slice(0, index).join(".")} is a list of ${container.length} items; ` +
            `"${segment}" is not an index in 0..${container.length - 1}. Replace the whole list instead, e.g. ${override.path.slice(0, index).join(".")}=[...].`,
        );
      }
      if (isLast) {
        container[position] = override.value;
        touched.push(prefix);
        break;
      }
      const next: unknown = container[position];
      if (!isSection(next) && !Array.isArray(next)) {
        throw new ConfigError(`${override.text}: ${prefix} is a single value, so it has no "${override.path[index + 1]}" inside.`);
      }
      container = next;
      continue;
    }
    if (isLast) {
      container[segment] = override.value;
      touched.push(prefix);
      break;
    }
    let next: unknown = container[segment];
    if (next === undefined) {
      next = {};
      container[segment] = next;
      touched.push(prefix);
    }
    if (!isSection(next) && !Array.isArray(next)) {
      throw new ConfigError(
        `${override.text}: ${prefix} is a single value (${JSON.stringify(next)}), so it has no "${override.path[index + 1]}" inside. Set it directly: ${prefix}=<value>.`,
      );
    }
    container = next;
  }
  return touched;
}
