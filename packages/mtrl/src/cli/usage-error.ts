import { MTError } from "@mtrl/mtenv/errors";

/** A command line the CLI cannot understand (unknown command or flag, missing argument). Exit code 2. */
export class CliUsageError extends MTError {}
