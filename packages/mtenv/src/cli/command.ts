/** Where a command writes; tests capture it, the binary uses stdout/stderr. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
  /** Width of the terminal `out` writes to; undefined when it is not one (a file, a pipe, a test). */
  readonly columns?: number | undefined;
}

/** One `mtenv <name>` subcommand. */
export interface CliCommand {
  readonly name: string;
  /** One line for `mtenv --help`. */
  readonly summary: string;
  /** The full `mtenv <name> --help` text. */
  readonly help: string;
  /** Returns the process exit code. */
  run(args: readonly string[], output: CliOutput): Promise<number>;
}

/** Wrong arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes: 0 success, 1 a check or an environment failed, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
