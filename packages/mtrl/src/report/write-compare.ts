import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { isEvalRow, readMetrics } from "../run-folder/metrics.js";
import { RunFolderError, type RunPaths } from "../run-folder/run-dir.js";
import { buildCompareData, type CompareData, type CompareRun } from "./compare-data.js";
import { renderCompareHtml } from "./compare-html.js";
import { groupRuns, readRunComposition, type GroupBy } from "./run-groups.js";

/** A run to compare: its folder, and the name shown for it (its folder name unless two runs share one). */
export interface CompareInput {
  readonly paths: RunPaths;
  readonly name: string;
}

/**
 * Writes compare.html for `runs` to `out` (replaced atomically) and returns the page's data. Every
 * run needs at least one eval row; the first run without one is an error that says so.
 */
export function writeCompare(runs: readonly CompareInput[], options: { readonly groupBy: GroupBy; readonly out: string }): CompareData {
  if (runs.length === 0) throw new RunFolderError("compare needs at least one run folder.");
  const loaded = runs.map((run): CompareRun & { composition: ReturnType<typeof readRunComposition> } => {
    const rows = readMetrics(run.paths.metrics);
    if (!rows.some(isEvalRow)) {
      throw new RunFolderError(
        `${run.paths.dir} has no eval rows in metrics.jsonl yet (${rows.length} train rows): a run is evaluated every ` +
          `experiment.evalEvery steps and at its end. Wait for its first evaluation, or leave it out of the comparison.`,
      );
    }
    return { name: run.name, rows, composition: readRunComposition(readFileSync(run.paths.config, "utf8"), run.paths.config) };
  });
  const data = buildCompareData(loaded, groupRuns(loaded, options.groupBy), options.groupBy);
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  const temporary = `${out}.tmp`;
  writeFileSync(temporary, renderCompareHtml(data));
  renameSync(temporary, out);
  return data;
}
