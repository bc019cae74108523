import type { MetricsRow } from "./metrics.js";
import { DerivedFile } from "./derived-file.js";
import { metricEntries } from "./metric-entries.js";
import { ProtobufEncoder } from "./protobuf-encoder.js";
import { frameRecord } from "./tfrecord.js";

/**
 * `tb/events.out.tfevents.0.mtrl`: the rows of metrics.jsonl as a TensorBoard event file
 * (`tensorboard --logdir runs` shows every run), written by hand from the format:
 *
 *   TFRecord records (see tfrecord.ts), each holding one `tensorboard.Event` protobuf:
 *     Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *     Summary { repeated Value value = 1; }
 *     Value   { string tag = 1; float simple_value = 2; }
 *
 * The first record is `{wall_time: 0, file_version: "brain.Event:2"}`; then one event per metrics
 * row, in file order, whose summary holds one value per key of the row (tag = the key, e.g.
 * `eval/return/task0`; the value rounded to float32; NaN stays NaN). The event's `wall_time` is the
 * row's step, not a clock: the file is then a function of metrics.jsonl alone, byte-identical for
 * the same seed and after an exact resume, like metrics.jsonl itself. (Use TensorBoard's "Step" axis;
 * its "Relative" and "Wall" axes show the step as seconds.) The file name is fixed for the same
 * reason, so a run folder holds exactly one event file.
 */

/** The folder of a run that holds its event file (`tensorboard --logdir runs/<name>/tb`). */
export const TENSORBOARD_DIR = "tb";
export const TENSORBOARD_EVENT_FILE = "events.out.tfevents.0.mtrl";
export const EVENT_FILE_VERSION = "brain.Event:2";

const EVENT_WALL_TIME = 1;
const EVENT_STEP = 2;
const EVENT_FILE_VERSION_FIELD = 3;
const EVENT_SUMMARY = 5;
const SUMMARY_VALUE = 1;
const VALUE_TAG = 1;
const VALUE_SIMPLE_VALUE = 2;

/** The first event of every event file: it names the format version. */
export function encodeFileVersionEvent(): Uint8Array {
  return new ProtobufEncoder().double(EVENT_WALL_TIME, 0).string(EVENT_FILE_VERSION_FIELD, EVENT_FILE_VERSION).finish();
}

/** An event with one scalar per entry of `scalars`, at `step` (also used as its wall_time). */
export function encodeScalarsEvent(step: number, scalars: Iterable<readonly [string, number]>): Uint8Array {
  const summary = new ProtobufEncoder();
  for (const [tag, value] of scalars) {
    summary.bytes(SUMMARY_VALUE, new ProtobufEncoder().string(VALUE_TAG, tag).float(VALUE_SIMPLE_VALUE, value).finish());
  }
  return new ProtobufEncoder().double(EVENT_WALL_TIME, step).int64(EVENT_STEP, step).bytes(EVENT_SUMMARY, summary.finish()).finish();
}

function rowRecord(row: MetricsRow): Buffer {
  return frameRecord(encodeScalarsEvent(row.step, metricEntries(row)));
}

/** The whole event file for `rows`. */
export function tensorBoardEventFile(rows: readonly MetricsRow[]): Buffer {
  return Buffer.concat([frameRecord(encodeFileVersionEvent()), ...rows.map(rowRecord)]);
}

/** Keeps the event file of a run equal to `tensorBoardEventFile(rows of metrics.jsonl)`. */
export class TensorBoardEventWriter {
  private constructor(private readonly file: DerivedFile) {}

  /** Writes the file for the rows already in metrics.jsonl and opens it for the next ones. */
  static create(path: string, rows: readonly MetricsRow[]): TensorBoardEventWriter {
    return new TensorBoardEventWriter(DerivedFile.replace(path, tensorBoardEventFile(rows)));
  }

  get path(): string {
    return this.file.path;
  }

  /** Appends the event of a row just written to metrics.jsonl. */
  append(row: MetricsRow): void {
    this.file.append(rowRecord(row));
  }

  close(): void {
    this.file.close();
  }
}
