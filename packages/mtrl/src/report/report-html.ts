import type { ReportData } from "./report-data.js";
import { escapeHtml, renderPage } from "./html-page.js";

/** report.html of one run: see html-page.ts for the self-contained shell, assets/report.js for the page. */
export function renderReportHtml(data: ReportData): string {
  return renderPage({
    title: `mtrl report: ${data.runName}`,
    headerHtml: `<h1>mtrl report: <span id="run-name">${escapeHtml(data.runName)}</span></h1>\n<p id="run-facts"></p>`,
    mainId: "report",
    dataId: "report-data",
    data,
    script: "report.js",
  });
}
