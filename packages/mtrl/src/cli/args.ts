import { didYouMean } from "@mtrl/core";
import { CliUsageError } from "./usage-error.js";

/**
 * A small argument parser for the subcommands: `--flag`, `--flag value`, `--flag=value`, `-h`, and
 * positionals (which include Hydra-style overrides such as `env=mt-pendulum`). `--` ends the flags.
 */

export interface FlagSpec {
  /** Whether the flag takes a value (`--resume <run>`). */
  readonly takesValue: boolean;
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** Flags by name without dashes; boolean flags map to "true". */
  readonly flags: ReadonlyMap<string, string>;
}

export function parseArgs(command: string, argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  const known = { ...specs, help: { takesValue: false } };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (argument === "-h") {
      flags.set("help", "true");
      continue;
    }
    if (!argument.startsWith("--")) {
      if (argument.startsWith("-") && !argument.includes("=")) {
        throw new CliUsageError(`${command}: unknown option ${argument}. Options: ${Object.keys(known).map((name) => `--${name}`).join(", ")}.`);
      }
      positionals.push(argument);
      continue;
    }
    const equals = argument.indexOf("=");
    const name = argument.slice(2, equals < 0 ? undefined : equals);
    const spec = (known as Record<string, FlagSpec>)[name];
    if (spec === undefined) {
      const options = Object.keys(known).map((option) => `--${option}`);
      throw new CliUsageError(`${command}: unknown option --${name}.${didYouMean(`--${name}`, options)} Options: ${options.join(", ")}.`);
    }
    if (!spec.takesValue) {
      if (equals >= 0) throw new CliUsageError(`${command}: --${name} takes no value, got ${argument}.`);
      flags.set(name, "true");
      continue;
    }
    let value: string | undefined;
    if (equals >= 0) value = argument.slice(equals + 1);
    else {
      value = argv[index + 1];
      index++;
    }
    if (value === undefined || value === "" || value.startsWith("--")) {
      throw new CliUsageError(`${command}: --${name} needs a value, e.g. --${name} <${name === "resume" ? "run" : "value"}>.`);
    }
    flags.set(name, value);
  }
  return { positionals, flags };
}
