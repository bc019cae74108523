export { buildReportData, downsample, MAX_POINTS_PER_SERIES, type ReportData, type ChartData, type ChartSeries } from "./report-data.js";
export { renderReportHtml, jsonForScript } from "./report-html.js";
export { writeReport } from "./write-report.js";
