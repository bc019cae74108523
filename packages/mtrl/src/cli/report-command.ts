import { displayPath } from "../config/config-dir.js";
import { writeReport } from "../report/write-report.js";
import { parseArgs } from "./args.js";
import { REPORT_HELP } from "./help.js";
import { writeLine, type CliIo } from "./io.js";
import { locateRun } from "./locate-run.js";
import { CliUsageError } from "./usage-error.js";

/** `npx mtrl report <run>`. Returns the exit code. */
export async function reportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs("report", argv, {});
  if (args.flags.has("help")) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new CliUsageError(`report needs exactly one run (a name in runs/ or a folder), got ${args.positionals.length}. Usage: npx mtrl report <run>`);
  }
  const paths = writeReport(locateRun(args.positionals[0]!).dir);
  writeLine(io.stdout, `report: ${displayPath(paths.report)}`);
  return 0;
}
