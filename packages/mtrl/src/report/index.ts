export { buildReportData, downsample, MAX_POINTS_PER_SERIES, type ReportData, type ChartData, type ChartSeries } from "./report-data.js";
export { renderReportHtml } from "./report-html.js";
export { jsonForScript } from "./html-page.js";
export { writeReport } from "./write-report.js";
export { buildCompareData, meanAndSd, type CompareData, type CompareGroupSummary, type CompareRun, type Spread } from "./compare-data.js";
export { renderCompareHtml } from "./compare-html.js";
export { writeCompare, type CompareInput } from "./write-compare.js";
export { groupRuns, readRunComposition, GROUP_BY_OPTIONS, type GroupBy, type RunGroup, type RunComposition } from "./run-groups.js";
