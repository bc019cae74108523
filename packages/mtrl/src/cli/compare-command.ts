import { didYouMean } from "@mtrl/core";
import { displayPath } from "../config/config-dir.js";
import { GROUP_BY_OPTIONS, type GroupBy } from "../report/run-groups.js";
import { writeCompare, type CompareInput } from "../report/write-compare.js";
import { parseArgs } from "./args.js";
import { COMPARE_HELP } from "./help.js";
import { writeLine, type CliIo } from "./io.js";
import { locateRun } from "./locate-run.js";
import { CliUsageError } from "./usage-error.js";

const DEFAULT_OUT = "compare.html";

function parseGroupBy(text: string | undefined): GroupBy {
  if (text === undefined) return "agent";
  if ((GROUP_BY_OPTIONS as readonly string[]).includes(text)) return text as GroupBy;
  throw new CliUsageError(`compare --group-by expects one of ${GROUP_BY_OPTIONS.join(", ")}, got ${JSON.stringify(text)}.${didYouMean(text, GROUP_BY_OPTIONS)}`);
}

/** `npx mtrl compare <run> <run> ... [--group-by agent|env|none] [--out compare.html]`. Returns the exit code. */
export async function compareCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs("compare", argv, { "group-by": { takesValue: true }, out: { takesValue: true } });
  if (args.flags.has("help")) {
    io.stdout.write(COMPARE_HELP);
    return 0;
  }
  const groupBy = parseGroupBy(args.flags.get("group-by"));
  if (args.positionals.length === 0) {
    throw new CliUsageError("compare needs the runs to compare (names in runs/ or folders). Usage: npx mtrl compare <run> <run> ... [--group-by agent|env|none] [--out compare.html]");
  }
  const located = args.positionals.map((argument) => ({ argument, paths: locateRun(argument) }));
  const seen = new Map<string, string>();
  for (const { argument, paths } of located) {
    const earlier = seen.get(paths.dir);
    if (earlier !== undefined) throw new CliUsageError(`compare: ${argument} and ${earlier} are the same run (${displayPath(paths.dir)}); give each run once.`);
    seen.set(paths.dir, argument);
  }
  // Runs are shown by folder name; runs from different runs folders that share a name keep the path typed.
  const nameCounts = new Map<string, number>();
  for (const { paths } of located) nameCounts.set(paths.name, (nameCounts.get(paths.name) ?? 0) + 1);
  const runs: CompareInput[] = located.map(({ argument, paths }) => ({ paths, name: nameCounts.get(paths.name)! > 1 ? argument : paths.name }));

  const out = args.flags.get("out") ?? DEFAULT_OUT;
  const data = writeCompare(runs, { groupBy, out });
  const groups = data.groups.map((group) => `${group.label} (${group.runs.length} ${group.runs.length === 1 ? "run" : "runs"})`);
  writeLine(io.stdout, `compare: ${displayPath(out)}`);
  writeLine(io.stdout, `groups by ${groupBy}: ${groups.join(", ")}; tasks: ${data.tasks.join(", ")}`);
  if (data.sharedOverrides.length > 0) writeLine(io.stdout, `every group: ${data.sharedOverrides.join(" ")}`);
  return 0;
}
