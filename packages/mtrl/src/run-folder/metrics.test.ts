import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { summarizeEval, formatEvalTable } from "./eval-summary.js";
import { MetricsFormatError, MetricsWriter, parseMetrics, readMetrics, type EvalRow, type TrainRow } from "./metrics.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function metricsPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-metrics-"));
  temporaryDirs.push(dir);
  return join(dir, "metrics.jsonl");
}

describe("metrics.jsonl", () => {
  test("rows written are read back identically, in order, one JSON object per line", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writer.writeTrain(10, { "train/critic_loss": 1.5, "train/actor_loss": -0.25 });
    writer.writeEval(20, { "eval/return/task0": -800, "eval/success/task0": 0, "eval/return/task1": -700.5, "eval/success/task1": 1 });
    writer.writeTrain(30, { "train/critic_loss": 0.75 });
    writer.close();
    const text = readFileSync(path, "utf8");
    assert.equal(
      text.split("\n")[0],
      '{"kind":"train","step":10,"train/critic_loss":1.5,"train/actor_loss":-0.25}',
    );
    assert.deepEqual(readMetrics(path), [
      { kind: "train", step: 10, "train/critic_loss": 1.5, "train/actor_loss": -0.25 },
      { kind: "eval", step: 20, "eval/return/task0": -800, "eval/success/task0": 0, "eval/return/task1": -700.5, "eval/success/task1": 1 },
      { kind: "train", step: 30, "train/critic_loss": 0.75 },
    ]);
  });

  test("each row is on disk as soon as it is written (nothing buffered in the process)", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writer.writeTrain(1, { "train/q": 1 });
    assert.equal(readMetrics(path).length, 1);
    assert.equal(statSync(path).size, writer.bytes);
    writer.close();
  });

  test("non-finite values are written as null and read back as NaN", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writer.writeTrain(5, { "train/critic_loss": Number.NaN, "train/q": Number.POSITIVE_INFINITY });
    writer.close();
    assert.match(readFileSync(path, "utf8"), /"train\/critic_loss":null,"train\/q":null/);
    const [row] = readMetrics(path);
    assert.ok(Number.isNaN((row as TrainRow)["train/critic_loss"]));
  });

  test("keys outside a row's namespace, and bad steps, are refused", () => {
    const writer = MetricsWriter.open(metricsPath());
    assert.throws(() => writer.writeTrain(1, { critic_loss: 1 }), (error: unknown) => error instanceof MetricsFormatError && /only takes keys "train\/<name>", got "critic_loss"/.test(error.message));
    assert.throws(() => writer.writeEval(1, { "train/critic_loss": 1 }), /An eval row only takes keys "eval\/<name>"/);
    assert.throws(() => writer.writeTrain(-1, {}), /non-negative integer/);
    assert.throws(() => writer.writeTrain(1.5, {}), /non-negative integer/);
    writer.close();
    assert.throws(() => writer.writeTrain(2, {}), /closed/);
  });

  test("reopening appends after the existing rows", () => {
    const path = metricsPath();
    const first = MetricsWriter.open(path);
    first.writeTrain(1, { "train/a": 1 });
    first.close();
    const second = MetricsWriter.open(path);
    second.writeTrain(2, { "train/a": 2 });
    second.close();
    assert.deepEqual(readMetrics(path).map((row) => row.step), [1, 2]);
  });

  test("resuming at the length returned by sync() drops the rows written after that checkpoint", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writer.writeTrain(100, { "train/a": 1 });
    const checkpointLength = writer.sync();
    writer.writeTrain(200, { "train/a": 2 });
    writer.writeEval(200, { "eval/return/task0": 3 });
    writer.close();
    const resumed = MetricsWriter.open(path, { truncateTo: checkpointLength });
    resumed.writeTrain(200, { "train/a": 2.5 });
    resumed.close();
    assert.deepEqual(readMetrics(path), [
      { kind: "train", step: 100, "train/a": 1 },
      { kind: "train", step: 200, "train/a": 2.5 },
    ]);
    assert.throws(() => MetricsWriter.open(path, { truncateTo: 10_000 }), /the file has \d+ bytes/);
  });

  test("a torn last line (crash mid-write) is ignored by the reader and cut by the next writer", () => {
    const path = metricsPath();
    writeFileSync(path, '{"kind":"train","step":1,"train/a":1}\n{"kind":"train","st');
    assert.deepEqual(readMetrics(path), [{ kind: "train", step: 1, "train/a": 1 }]);
    const writer = MetricsWriter.open(path);
    writer.writeTrain(2, { "train/a": 2 });
    writer.close();
    assert.deepEqual(readMetrics(path).map((row) => row.step), [1, 2]);
  });

  test("a malformed complete line is an error naming the line", () => {
    const path = metricsPath();
    writeFileSync(path, '{"kind":"train","step":1}\n');
    appendFileSync(path, '{"kind":"test","step":2}\n');
    assert.throws(() => readMetrics(path), /metrics\.jsonl:2: "kind" must be "train" or "eval", got "test"/);
    assert.throws(() => parseMetrics('{"kind":"eval","step":1,"train/x":1}\n'), /an eval row cannot hold key "train\/x"/);
    assert.throws(() => parseMetrics("not json\n"), /metrics\.jsonl:1: not JSON/);
  });

  test("a missing file reads as no rows", () => {
    assert.deepEqual(readMetrics(join(tmpdir(), "does-not-exist-mtrl", "metrics.jsonl")), []);
  });
});

describe("eval summaries", () => {
  const row: EvalRow = {
    kind: "eval",
    step: 2000,
    "eval/return/reach": -100,
    "eval/success/reach": 1,
    "eval/return/push": -300,
    "eval/success/push": 0.5,
  };

  test("per-task results in key order and means over tasks", () => {
    const summary = summarizeEval(row);
    assert.deepEqual(summary.tasks, [
      { task: "reach", meanReturn: -100, successRate: 1 },
      { task: "push", meanReturn: -300, successRate: 0.5 },
    ]);
    assert.equal(summary.meanReturn, -200);
    assert.equal(summary.meanSuccess, 0.75);
    assert.match(formatEvalTable(summary), /mean\s+-200\.00\s+0\.75/);
  });

  test("environments without a success flag give meanSuccess null", () => {
    const summary = summarizeEval({ kind: "eval", step: 1, "eval/return/task0": -5 });
    assert.equal(summary.meanSuccess, null);
    assert.equal(summary.tasks[0]?.successRate, undefined);
    assert.match(formatEvalTable(summary), /task0\s+-5\.00\s+n\/a/);
  });
});
