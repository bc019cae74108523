import { readFileSync } from "node:fs";
import type { ReportData } from "./report-data.js";

/**
 * report.html: one self-contained file (inline CSS, inline script, data as embedded JSON), so it
 * opens from disk, from a CI artifact or an e-mail with no server and no network.
 */

const ASSETS = new URL("./assets/", import.meta.url);

function readAsset(name: string): string {
  return readFileSync(new URL(name, ASSETS), "utf8");
}

/** JSON that is safe inside a <script> element (no "</script>", no HTML comment openers). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The complete HTML document for `data`. */
export function renderReportHtml(data: ReportData): string {
  const script = readAsset("report.js");
  if (/<\/script/i.test(script)) throw new Error("report.js must not contain a closing script tag");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>mtrl report: ${escapeHtml(data.runName)}</title>
<style>
${readAsset("report.css")}
</style>
</head>
<body>
<header>
<h1>mtrl report: <span id="run-name">${escapeHtml(data.runName)}</span></h1>
<p id="run-facts"></p>
</header>
<main id="report">
<noscript><p>This report draws its charts with JavaScript; enable it to see them.</p></noscript>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>
${script}
</script>
</body>
</html>
`;
}
