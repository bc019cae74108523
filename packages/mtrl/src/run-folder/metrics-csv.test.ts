import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { MetricsWriter, derivedMetricsPaths, readMetrics, type MetricsRow } from "./metrics.js";
import { csvCell, metricsCsvText } from "./metrics-csv.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function metricsPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-csv-"));
  temporaryDirs.push(dir);
  return join(dir, "metrics.jsonl");
}

/** RFC 4180 records, written for the test (quoted cells, doubled quotes, commas and newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ",") {
      record.push(cell);
      cell = "";
    } else if (character === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
    } else cell += character;
  }
  assert.equal(cell + record.join(""), "", "the CSV ends with a newline");
  return records;
}

/** The CSV read back as rows like readMetrics gives (absent cells dropped, "NaN" as NaN). */
function rowsFromCsv(text: string): MetricsRow[] {
  const [header, ...lines] = parseCsv(text);
  assert.deepEqual(header?.slice(0, 2), ["kind", "step"]);
  return lines.map((cells) => {
    assert.equal(cells.length, header!.length, "every line has a cell per column");
    const row: Record<string, unknown> = { kind: cells[0], step: Number(cells[1]) };
    header!.slice(2).forEach((key, index) => {
      const cell = cells[index + 2]!;
      if (cell !== "") row[key] = Number(cell);
    });
    return row as unknown as MetricsRow;
  });
}

describe("metrics.csv", () => {
  test("one wide table: kind, step, every key in order of first appearance, empty cells for keys a row lacks", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writer.writeTrain(10, { "train/critic_loss": 1.5, "train/actor_loss": -0.25 });
    writer.writeEval(20, { "eval/return/task0": -800, "eval/success/task0": 0 });
    writer.writeTrain(30, { "train/critic_loss": Number.NaN, "train/actor_loss": 1e-7 });
    writer.close();
    assert.equal(
      readFileSync(derivedMetricsPaths(path).csv, "utf8"),
      [
        "kind,step,train/critic_loss,train/actor_loss,eval/return/task0,eval/success/task0",
        "train,10,1.5,-0.25,,",
        "eval,20,,,-800,0",
        "train,30,NaN,1e-7,,",
        "",
      ].join("\n"),
    );
  });

  test("a key seen late widens the header; every row reads back equal to metrics.jsonl", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writer.writeTrain(5, { "train/reward_mean": -6 });
    writer.writeTrain(10, { "train/reward_mean": -5, "train/critic_loss": 0.1 + 0.2 });
    writer.writeEval(10, { "eval/return/a,b": -1, 'eval/return/say "hi"': -2 });
    writer.writeTrain(15, { "train/reward_mean": -4, "train/critic_loss": 2 ** -40 });
    writer.close();
    const text = readFileSync(derivedMetricsPaths(path).csv, "utf8");
    assert.match(text, /^kind,step,train\/reward_mean,train\/critic_loss,"eval\/return\/a,b","eval\/return\/say ""hi"""\n/);
    const rows = readMetrics(path);
    assert.deepEqual(rowsFromCsv(text), rows);
    assert.equal(text, metricsCsvText(rows), "what was appended equals the table written whole");
  });

  test("cells are quoted only when they must be", () => {
    assert.equal(csvCell("train/q"), "train/q");
    assert.equal(csvCell("a,b"), '"a,b"');
    assert.equal(csvCell('x"y'), '"x""y"');
    assert.equal(csvCell("line\nbreak"), '"line\nbreak"');
  });

  test("csv: false and tensorBoard: false write only metrics.jsonl", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path, { csv: false, tensorBoard: false });
    writer.writeTrain(1, { "train/q": 1 });
    writer.close();
    const derived = derivedMetricsPaths(path);
    assert.ok(existsSync(path));
    assert.ok(!existsSync(derived.csv) && !existsSync(derived.tensorBoardEvents));
  });
});
