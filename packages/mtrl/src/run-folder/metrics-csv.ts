import type { MetricsRow } from "./metrics.js";
import { DerivedFile } from "./derived-file.js";
import { metricEntries } from "./metric-entries.js";

/**
 * `metrics.csv`: the rows of metrics.jsonl as one wide CSV table (RFC 4180), for spreadsheets and
 * `pandas.read_csv`:
 *
 *   kind,step,train/critic_loss,train/actor_loss,eval/return/task0,eval/success/task0
 *   train,1200,0.53,-12.1,,
 *   eval,2000,,,-812.4,0
 *
 * One line per metrics row in file order; columns `kind`, `step`, then every key in the order of
 * its first appearance. A key a row does not have is an empty cell (a train row has no eval
 * columns and vice versa), a non-finite value (null in metrics.jsonl) is `NaN`, and numbers are
 * written as in metrics.jsonl (shortest text that reads back to the same double). A key seen for
 * the first time adds a column: the file is then rewritten from metrics.jsonl with the wider header
 * (rare: keys appear in the first train and eval rows). So the file is a function of metrics.jsonl
 * alone, byte-identical for the same seed and after an exact resume.
 */

/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : "NaN";
}

/** The metric keys of `rows`, in order of first appearance. */
export function metricColumns(rows: readonly MetricsRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const [key] of metricEntries(row)) seen.add(key);
  return [...seen];
}

function headerLine(columns: readonly string[]): string {
  return `${["kind", "step", ...columns].map(csvCell).join(",")}\n`;
}

function rowLine(row: MetricsRow, columns: readonly string[]): string {
  const values = row as unknown as Record<string, number | undefined>;
  const cells = columns.map((key) => {
    const value = values[key];
    return value === undefined ? "" : formatNumber(value);
  });
  return `${[row.kind, String(row.step), ...cells].join(",")}\n`;
}

/** The whole CSV text for `rows`. */
export function metricsCsvText(rows: readonly MetricsRow[]): string {
  const columns = metricColumns(rows);
  return headerLine(columns) + rows.map((row) => rowLine(row, columns)).join("");
}

/** Keeps metrics.csv equal to `metricsCsvText(rows of metrics.jsonl)`. */
export class MetricsCsvWriter {
  private columns: Set<string>;

  private constructor(
    private readonly file: DerivedFile,
    columns: readonly string[],
    private readonly readAllRows: () => readonly MetricsRow[],
  ) {
    this.columns = new Set(columns);
  }

  /**
   * Writes the file for `rows` (the rows already in metrics.jsonl) and opens it for the next ones.
   * `readAllRows` reads metrics.jsonl again; it is called when a row brings a new column.
   */
  static create(path: string, rows: readonly MetricsRow[], readAllRows: () => readonly MetricsRow[]): MetricsCsvWriter {
    return new MetricsCsvWriter(DerivedFile.replace(path, Buffer.from(metricsCsvText(rows), "utf8")), metricColumns(rows), readAllRows);
  }

  get path(): string {
    return this.file.path;
  }

  /** Appends a row just written to metrics.jsonl (so `readAllRows()` already includes it). */
  append(row: MetricsRow): void {
    if (metricEntries(row).some(([key]) => !this.columns.has(key))) {
      const rows = this.readAllRows();
      this.columns = new Set(metricColumns(rows));
      const missing = metricEntries(row).find(([key]) => !this.columns.has(key));
      if (missing !== undefined) throw new Error(`metrics.csv: a row with the new key "${missing[0]}" must be in metrics.jsonl before it is appended to the CSV; write metrics.jsonl first.`);
      this.file.rewrite(Buffer.from(metricsCsvText(rows), "utf8"));
      return;
    }
    this.file.append(Buffer.from(rowLine(row, [...this.columns]), "utf8"));
  }

  close(): void {
    this.file.close();
  }
}
