import type { CheckReport } from "./check-env.js";

export interface FormatCheckReportOptions {
  /** Line width in characters; longer messages wrap under their column. Default 100. */
  readonly width?: number;
}

/** Narrowest message column: below it, wrapping would leave a word or two per line. */
const MIN_MESSAGE_WIDTH = 40;

/**
 * A fixed-width pass/fail table for terminals. Messages that do not fit wrap under the message
 * column instead of being cut, so a space's JSON or an error text stays whole.
 */
export function formatCheckReport(report: CheckReport, options: FormatCheckReportOptions = {}): string {
  const nameWidth = Math.max(...report.results.map((r) => r.name.length));
  const indent = " ".repeat("PASS  ".length + nameWidth + 2);
  const messageWidth = Math.max(MIN_MESSAGE_WIDTH, (options.width ?? 100) - indent.length);
  const lines = report.results.map((r) => {
    const [first = "", ...rest] = wrapText(r.message, messageWidth);
    return [`${r.passed ? "PASS" : "FAIL"}  ${r.name.padEnd(nameWidth)}  ${first}`, ...rest.map((line) => `${indent}${line}`)].join("\n");
  });
  const failed = report.results.filter((r) => !r.passed).length;
  lines.push(failed === 0 ? `all ${report.results.length} checks passed` : `${failed} of ${report.results.length} checks failed`);
  return lines.join("\n");
}

/**
 * Splits `text` into lines of at most `width` characters. Lines break between words; a word longer
 * than a line (a JSON literal) also breaks after its commas, i.e. between two values. Nothing is
 * cut inside a value: a value longer than a line keeps its own, longer line. Each line of a
 * multi-line text keeps its leading indentation.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    const indent = /^ */.exec(paragraph)![0];
    let line = indent;
    const lineIsEmpty = (): boolean => line.length === indent.length;
    const breakLine = (): void => {
      lines.push(line);
      line = indent;
    };
    for (const word of paragraph.slice(indent.length).split(" ")) {
      const separator = lineIsEmpty() ? "" : " ";
      if (line.length + separator.length + word.length <= width) {
        line += separator + word;
      } else if (indent.length + word.length <= width || !word.includes(",")) {
        // Whole on the next line rather than split across two.
        if (!lineIsEmpty()) breakLine();
        line += word;
      } else {
        word.split(/(?<=,)/).forEach((piece, index) => {
          const glue = index === 0 && !lineIsEmpty() ? " " : "";
          if (!lineIsEmpty() && line.length + glue.length + piece.length > width) {
            breakLine();
            line += piece;
          } else {
            line += glue + piece;
          }
        });
      }
    }
    lines.push(line);
  }
  return lines;
}
