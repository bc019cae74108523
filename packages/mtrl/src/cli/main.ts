// The errors entry point, not the package index: `--help` should not wait for every environment.
import { ConfigError, MTError, didYouMean } from "@mtrl/mtenv/errors";
import { MAIN_HELP } from "./help.js";
import { writeLine, type CliIo } from "./io.js";
import { CliUsageError } from "./usage-error.js";

/**
 * `npx mtrl <command>`: dispatches to the subcommands. Each command module is imported only when
 * used, so `--help` and `list` start without loading the training engine.
 */

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import("./train-command.js")).trainCommand,
  eval: async () => (await import("./eval-command.js")).evalCommand,
  report: async () => (await import("./report-command.js")).reportCommand,
  compare: async () => (await import("./compare-command.js")).compareCommand,
  list: async () => (await import("./list-command.js")).listCommand,
  sweep: async () => (await import("./sweep-command.js")).sweepCommand,
  worker: async () => (await import("./worker-command.js")).workerCommand,
};

/** Runs the CLI and returns the exit code: 0 done, 1 failed, 2 bad command line or config, 130 interrupted. */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    if (name === "help" && rest[0] !== undefined && rest[0] in COMMANDS) return main([rest[0], "--help"], io);
    io.stdout.write(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  try {
    const load = COMMANDS[name];
    if (load === undefined) {
      throw new CliUsageError(`Unknown command "${name}".${didYouMean(name, Object.keys(COMMANDS))} Commands: ${Object.keys(COMMANDS).join(", ")}. See npx mtrl --help.`);
    }
    return await (await load())(rest, io);
  } catch (error) {
    // Loaded here, not at the top: the run-folder module brings the whole mtenv package along.
    const { RunFolderError } = await import("../run-folder/run-dir.js");
    if (error instanceof CliUsageError || error instanceof ConfigError || error instanceof RunFolderError) {
      writeLine(io.stderr, `error: ${error.message}`);
      return 2;
    }
    if (error instanceof MTError) {
      writeLine(io.stderr, `error: ${error.message}`);
      return 1;
    }
    writeLine(io.stderr, `error: unexpected failure; this is a bug, please report it with the output below.`);
    writeLine(io.stderr, error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}
