import { MTError, didYouMean } from "../core/errors.js";
import { benchCommand } from "./bench-command.js";
import { checkCommand } from "./check-command.js";
import { type CliCommand, type CliOutput, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./command.js";
import { listCommand } from "./list-command.js";

const COMMANDS: readonly CliCommand[] = [listCommand, checkCommand, benchCommand];

const HELP = `Usage: mtenv <command> [options]

Multi-task environments: list them, check them, measure them.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(7)}${command.summary}`).join("\n")}

Run "mtenv <command> --help" for a command's options.`;

const consoleOutput: CliOutput = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  get columns() {
    return process.stdout.isTTY ? process.stdout.columns : undefined;
  },
};

/** Runs `mtenv <args>`; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(args: readonly string[], output: CliOutput = consoleOutput): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    output.out(topic?.help ?? HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    output.err(`mtenv: unknown command "${name}".${didYouMean(name, COMMANDS.map((c) => c.name))} Commands: ${COMMANDS.map((c) => c.name).join(", ")}.`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    output.out(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`mtenv ${command.name}: ${error.message}\nRun "mtenv ${command.name} --help" for usage.`);
      return EXIT_USAGE;
    }
    // Our own errors already say what was expected and what to do: no stack trace needed.
    if (error instanceof MTError) {
      output.err(`mtenv ${command.name}: ${error.name}: ${error.message}`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}
