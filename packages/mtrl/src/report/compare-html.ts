import type { CompareData } from "./compare-data.js";
import { renderPage } from "./html-page.js";

/** compare.html: see html-page.ts for the self-contained shell, assets/compare.js for the page. */
export function renderCompareHtml(data: CompareData): string {
  return renderPage({
    title: `mtrl compare: ${data.groups.map((group) => group.label).join(" vs ")}`,
    headerHtml: `<h1>mtrl compare</h1>\n<p id="compare-facts"></p>`,
    mainId: "compare",
    dataId: "compare-data",
    data,
    script: "compare.js",
  });
}
