import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { readMetrics } from "../run-folder/metrics.js";
import { runPaths, type RunPaths } from "../run-folder/run-dir.js";
import { buildReportData } from "./report-data.js";
import { renderReportHtml } from "./report-html.js";

/**
 * (Re)generates `report.html` of a run from its config.yaml and metrics.jsonl. Safe to call while
 * the run is still writing: it reads complete lines only, and replaces the report atomically.
 */
export function writeReport(runDir: string): RunPaths {
  const paths = runPaths(runDir);
  const configText = existsSync(paths.config) ? readFileSync(paths.config, "utf8") : "(config.yaml is missing)";
  const data = buildReportData(readMetrics(paths.metrics), { runName: paths.name, configText });
  const temporary = `${paths.report}.tmp`;
  writeFileSync(temporary, renderReportHtml(data));
  renameSync(temporary, paths.report);
  return paths;
}
