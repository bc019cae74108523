import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { MTError } from "@mtrl/core";
import { MetricsCsvWriter } from "./metrics-csv.js";
import { TENSORBOARD_DIR, TENSORBOARD_EVENT_FILE, TensorBoardEventWriter } from "./tensorboard-events.js";

/**
 * `metrics.jsonl`: one JSON object per line, append-only.
 *
 *   {"kind":"train","step":1200,"train/critic_loss":0.53,"train/alpha/task0":0.91}
 *   {"kind":"eval","step":2000,"eval/return/task0":-812.4,"eval/success/task0":0}
 *
 * Keys are namespaced: train rows carry only `train/...` keys, eval rows only `eval/...` keys, with
 * per-task values as `eval/return/<task>` and `eval/success/<task>` (success only for environments
 * that report it). Means over tasks, if stored, use keys outside those prefixes (e.g.
 * `eval/mean_return`); readers compute their own from the per-task keys. Rows hold no
 * wall-clock time, so the same seed writes a byte-identical file. Non-finite numbers are written as
 * null (JSON has no NaN) and read back as NaN.
 *
 * Every row is written with one write(2) call as soon as it is appended, so a crash or SIGKILL loses
 * nothing already appended; `sync()` (called at checkpoints) also forces it to disk and returns the
 * file length, which a checkpoint stores so that a resumed run can cut the rows written after it.
 *
 * Beside it, by default, every row also goes to `metrics.csv` (metrics-csv.ts) and to the
 * TensorBoard event file `tb/events.out.tfevents.0.mtrl` (tensorboard-events.ts). Both are derived
 * from metrics.jsonl: opening the writer (new run, resume, reopen) writes them anew from the rows
 * kept, so after a crash, a truncation on resume or a torn last line they hold exactly the rows of
 * metrics.jsonl, byte for byte what an uninterrupted run writes.
 */

/** A row of training metrics (losses, temperatures, ...). */
export interface TrainRow {
  readonly kind: "train";
  /** The training step the metrics belong to (one step = one step of every task's env). */
  readonly step: number;
  readonly [key: `train/${string}`]: number;
}

/** A row of evaluation results: `eval/return/<task>`, `eval/success/<task>` and other `eval/...` keys. */
export interface EvalRow {
  readonly kind: "eval";
  /** The training step after which the evaluation ran. */
  readonly step: number;
  readonly [key: `eval/${string}`]: number;
}

export type MetricsRow = TrainRow | EvalRow;

/** A metrics row or file that does not follow the format above. */
export class MetricsFormatError extends MTError {}

const ROW_PREFIX = { train: "train/", eval: "eval/" } as const;

function serializeRow(kind: MetricsRow["kind"], step: number, metrics: Readonly<Record<string, number>>): string {
  if (!Number.isInteger(step) || step < 0) {
    throw new MetricsFormatError(`${kind === "eval" ? "An" : "A"} ${kind} row needs a step that is a non-negative integer, got ${String(step)}.`);
  }
  const prefix = ROW_PREFIX[kind];
  const row: Record<string, string | number | null> = { kind, step };
  for (const [key, value] of Object.entries(metrics)) {
    if (!key.startsWith(prefix) || key.length === prefix.length) {
      throw new MetricsFormatError(`${kind === "eval" ? "An" : "A"} ${kind} row only takes keys "${prefix}<name>", got "${key}". Rename it (e.g. "${prefix}${key.replace(/^[a-z]+\//, "")}").`);
    }
    if (typeof value !== "number") {
      throw new MetricsFormatError(`Metric "${key}" at step ${step} must be a number, got ${typeof value}.`);
    }
    row[key] = Number.isFinite(value) ? value : null;
  }
  return `${JSON.stringify(row)}\n`;
}

/** Options of `MetricsWriter.open`. */
export interface MetricsWriterOptions {
  /** A length returned by `sync()` at a checkpoint: everything after it is cut (for `--resume`). */
  readonly truncateTo?: number;
  /** Also write `metrics.csv` beside the file (default true). */
  readonly csv?: boolean;
  /** Also write the TensorBoard event file `tb/events.out.tfevents.0.mtrl` beside the file (default true). */
  readonly tensorBoard?: boolean;
}

/** The files a `MetricsWriter` derives from `metrics.jsonl`, beside it. */
export function derivedMetricsPaths(metricsPath: string): { readonly csv: string; readonly tensorBoardEvents: string } {
  const dir = dirname(metricsPath);
  return { csv: join(dir, "metrics.csv"), tensorBoardEvents: join(dir, TENSORBOARD_DIR, TENSORBOARD_EVENT_FILE) };
}

/** Appends rows to a metrics.jsonl file (and to the CSV and TensorBoard files derived from it). */
export class MetricsWriter {
  private fd: number | null;
  private length: number;
  private readonly csv: MetricsCsvWriter | null;
  private readonly tensorBoard: TensorBoardEventWriter | null;

  private constructor(
    /** The file being written. */
    readonly path: string,
    fd: number,
    options: MetricsWriterOptions,
  ) {
    this.fd = fd;
    this.length = fstatSync(fd).size;
    const wantsCsv = options.csv ?? true;
    const wantsTensorBoard = options.tensorBoard ?? true;
    const rows = wantsCsv || wantsTensorBoard ? parseMetrics(readFileSync(path, "utf8"), path) : [];
    const derived = derivedMetricsPaths(path);
    this.csv = wantsCsv ? MetricsCsvWriter.create(derived.csv, rows, () => readMetrics(path)) : null;
    this.tensorBoard = wantsTensorBoard ? TensorBoardEventWriter.create(derived.tensorBoardEvents, rows) : null;
  }

  /**
   * Opens `path` for appending, creating it if needed. `truncateTo` (a length returned by `sync()` at
   * a checkpoint) cuts everything written after that checkpoint, for `--resume`. Without it, a torn
   * last line left by a crash is cut so that appending continues on a fresh line. Then the derived
   * files (metrics.csv, the TensorBoard event file) are written anew from the rows kept.
   */
  static open(path: string, options: MetricsWriterOptions = {}): MetricsWriter {
    const fd = openSync(path, existsSync(path) ? "r+" : "w+");
    const size = fstatSync(fd).size;
    if (options.truncateTo !== undefined) {
      if (!Number.isInteger(options.truncateTo) || options.truncateTo < 0 || options.truncateTo > size) {
        closeSync(fd);
        throw new MetricsFormatError(
          `Cannot resume ${path} at byte ${String(options.truncateTo)}: the file has ${size} bytes. The checkpoint does not belong to this metrics file.`,
        );
      }
      ftruncateSync(fd, options.truncateTo);
    } else if (size > 0) {
      ftruncateSync(fd, lengthOfCompleteLines(fd, size));
    }
    try {
      return new MetricsWriter(path, fd, options);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Length in bytes of what has been written so far (complete lines only). */
  get bytes(): number {
    return this.length;
  }

  /** Appends a train row; every key must start with "train/". */
  writeTrain(step: number, metrics: Readonly<Record<string, number>>): void {
    this.writeLine(serializeRow("train", step, metrics));
  }

  /** Appends an eval row; every key must start with "eval/". */
  writeEval(step: number, metrics: Readonly<Record<string, number>>): void {
    this.writeLine(serializeRow("eval", step, metrics));
  }

  /** Appends a row built elsewhere (e.g. copied from another file). */
  append(row: MetricsRow): void {
    const { kind, step, ...metrics } = row;
    this.writeLine(serializeRow(kind, step, metrics as Record<string, number>));
  }

  /** Forces the rows to disk (fsync) and returns the file length to store in a checkpoint. */
  sync(): number {
    fsyncSync(this.openFd());
    return this.length;
  }

  /** Syncs and closes (the derived files too); further writes throw. */
  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    this.csv?.close();
    this.tensorBoard?.close();
  }

  /** Writes one serialized row to metrics.jsonl, then the same row, as read back, to the derived files. */
  private writeLine(line: string): void {
    const bytes = Buffer.from(line, "utf8");
    const fd = this.openFd();
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, this.length + written);
    this.length += bytes.length;
    if (this.csv === null && this.tensorBoard === null) return;
    // Parsed from the line itself, so the derived files see exactly what a rebuild from the file sees
    // (non-finite values as NaN, -0 as 0).
    const row = parseRow(line.slice(0, -1), this.path);
    this.csv?.append(row);
    this.tensorBoard?.append(row);
  }

  private openFd(): number {
    if (this.fd === null) throw new MetricsFormatError(`The metrics writer for ${this.path} is closed; open a new one with MetricsWriter.open().`);
    return this.fd;
  }
}

/** Length of the file up to and including its last newline. */
function lengthOfCompleteLines(fd: number, size: number): number {
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const count = readSync(fd, chunk, 0, end - start, start);
    const lastNewline = chunk.subarray(0, count).lastIndexOf(0x0a);
    if (lastNewline >= 0) return start + lastNewline + 1;
    end = start;
  }
  return 0;
}

function parseRow(line: string, where: string): MetricsRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new MetricsFormatError(`${where}: not JSON (${(error as Error).message}).`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new MetricsFormatError(`${where}: expected a JSON object.`);
  const record = value as Record<string, unknown>;
  const kind = record["kind"];
  if (kind !== "train" && kind !== "eval") throw new MetricsFormatError(`${where}: "kind" must be "train" or "eval", got ${JSON.stringify(kind)}.`);
  const step = record["step"];
  if (typeof step !== "number" || !Number.isInteger(step) || step < 0) throw new MetricsFormatError(`${where}: "step" must be a non-negative integer, got ${JSON.stringify(step)}.`);
  const row: Record<string, unknown> = { kind, step };
  for (const [key, metric] of Object.entries(record)) {
    if (key === "kind" || key === "step") continue;
    if (!key.startsWith(ROW_PREFIX[kind])) throw new MetricsFormatError(`${where}: ${kind === "eval" ? "an" : "a"} ${kind} row cannot hold key "${key}".`);
    if (metric === null) row[key] = Number.NaN;
    else if (typeof metric === "number") row[key] = metric;
    else throw new MetricsFormatError(`${where}: "${key}" must be a number or null, got ${JSON.stringify(metric)}.`);
  }
  return row as unknown as MetricsRow;
}

/** Parses metrics.jsonl text. An incomplete last line (a crash mid-write) is ignored. */
export function parseMetrics(text: string, source = "metrics.jsonl"): MetricsRow[] {
  // The piece after the last newline is either "" or a torn line; both are dropped.
  const complete = text.split("\n").slice(0, -1);
  const rows: MetricsRow[] = [];
  complete.forEach((line, index) => {
    if (line.trim() === "") return;
    rows.push(parseRow(line, `${source}:${index + 1}`));
  });
  return rows;
}

/** Reads every row of a metrics.jsonl file, in order. */
export function readMetrics(path: string): MetricsRow[] {
  if (!existsSync(path)) return [];
  return parseMetrics(readFileSync(path, "utf8"), path);
}

export function isTrainRow(row: MetricsRow): row is TrainRow {
  return row.kind === "train";
}

export function isEvalRow(row: MetricsRow): row is EvalRow {
  return row.kind === "eval";
}
