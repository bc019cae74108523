import { readFileSync } from "node:fs";

/**
 * The shell of the self-contained pages (report.html, compare.html): one file with inline CSS,
 * inline scripts and the data as embedded JSON, under a Content-Security-Policy of
 * `default-src 'none'`, so it opens from disk, a CI artifact or an e-mail with no server and no
 * network. Every page inlines `chart.js` (the shared SVG charts) before its own script.
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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export interface PageOptions {
  /** The document title (plain text). */
  readonly title: string;
  /** The inside of <header> (HTML; escape any text with `escapeHtml`). */
  readonly headerHtml: string;
  /** The id of the <main> element the page script fills. */
  readonly mainId: string;
  /** The id of the embedded JSON element, and its value. */
  readonly dataId: string;
  readonly data: unknown;
  /** The page's own script in assets/, inlined after chart.js. */
  readonly script: string;
}

/** The complete HTML document. */
export function renderPage(options: PageOptions): string {
  const scripts = ["chart.js", options.script].map((name) => {
    const text = readAsset(name);
    if (/<\/script/i.test(text)) throw new Error(`assets/${name} must not contain a closing script tag: it is inlined into a <script> element.`);
    return text;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(options.title)}</title>
<style>
${readAsset("report.css")}
</style>
</head>
<body>
<header>
${options.headerHtml}
</header>
<main id="${escapeHtml(options.mainId)}">
<noscript><p>This page draws its charts with JavaScript; enable it to see them.</p></noscript>
</main>
<script type="application/json" id="${escapeHtml(options.dataId)}">${jsonForScript(options.data)}</script>
${scripts.map((text) => `<script>\n${text}\n</script>`).join("\n")}
</body>
</html>
`;
}
