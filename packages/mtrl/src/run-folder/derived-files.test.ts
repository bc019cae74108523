import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { killAfterCheckpoint, runToEnd, tinyRunArgs } from "../testing/cli-runs.js";
import { assertEventFileMatchesRows } from "../testing/tensorboard-event-reader.js";
import { MetricsWriter, derivedMetricsPaths, readMetrics } from "./metrics.js";
import { metricsCsvText } from "./metrics-csv.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-derived-"));
  temporaryDirs.push(dir);
  return dir;
}

/** metrics.jsonl, metrics.csv and the event file of the run folder holding `metricsPath`. */
function runFiles(metricsPath: string): { jsonl: Buffer; csv: Buffer; events: Buffer } {
  const derived = derivedMetricsPaths(metricsPath);
  return { jsonl: readFileSync(metricsPath), csv: readFileSync(derived.csv), events: readFileSync(derived.tensorBoardEvents) };
}

function assertSameFiles(actual: { jsonl: Buffer; csv: Buffer; events: Buffer }, expected: { jsonl: Buffer; csv: Buffer; events: Buffer }, what: string): void {
  assert.ok(actual.jsonl.equals(expected.jsonl), `${what}: metrics.jsonl differs`);
  assert.equal(actual.csv.toString("utf8"), expected.csv.toString("utf8"), `${what}: metrics.csv differs`);
  assert.ok(actual.events.equals(expected.events), `${what}: the event file differs`);
}

const BEFORE_CHECKPOINT = [
  (writer: MetricsWriter) => writer.writeTrain(10, { "train/reward_mean": -6 }),
  (writer: MetricsWriter) => writer.writeTrain(20, { "train/reward_mean": -5, "train/critic_loss": 0.5 }),
];
const AFTER_CHECKPOINT = [
  (writer: MetricsWriter) => writer.writeEval(20, { "eval/return/task0": -700, "eval/success/task0": 0 }),
  (writer: MetricsWriter) => writer.writeTrain(30, { "train/reward_mean": -4, "train/critic_loss": 0.25, "train/actor_loss": -3 }),
];

describe("metrics.csv and the event file follow metrics.jsonl", () => {
  test("after a resume at a checkpoint's length they equal an uninterrupted writer's, byte for byte", () => {
    const uninterruptedPath = join(temporaryDir(), "metrics.jsonl");
    const uninterrupted = MetricsWriter.open(uninterruptedPath);
    for (const write of [...BEFORE_CHECKPOINT, ...AFTER_CHECKPOINT]) write(uninterrupted);
    uninterrupted.close();

    const resumedPath = join(temporaryDir(), "metrics.jsonl");
    const first = MetricsWriter.open(resumedPath);
    for (const write of BEFORE_CHECKPOINT) write(first);
    const checkpointLength = first.sync();
    // Rows after the checkpoint that the resumed run will not write again, with a key it never has.
    first.writeEval(20, { "eval/return/task0": -999, "eval/return/ghost": 1 });
    first.writeTrain(30, { "train/reward_mean": 99 });
    first.close();
    assert.match(readFileSync(derivedMetricsPaths(resumedPath).csv, "utf8"), /eval\/return\/ghost/);

    const resumed = MetricsWriter.open(resumedPath, { truncateTo: checkpointLength });
    for (const write of AFTER_CHECKPOINT) write(resumed);
    resumed.close();
    assertSameFiles(runFiles(resumedPath), runFiles(uninterruptedPath), "resumed");
  });

  test("files a crash left behind (a row missing, a torn record) are written anew on open", () => {
    const path = join(temporaryDir(), "metrics.jsonl");
    const writer = MetricsWriter.open(path);
    for (const write of [...BEFORE_CHECKPOINT, ...AFTER_CHECKPOINT]) write(writer);
    writer.close();
    const expected = runFiles(path);
    const derived = derivedMetricsPaths(path);
    // A SIGKILL between the metrics.jsonl write and the derived writes: the last row is missing there.
    truncateSync(derived.csv, statSync(derived.csv).size - 5);
    appendFileSync(derived.tensorBoardEvents, Buffer.from([1, 2, 3]));
    MetricsWriter.open(path).close();
    assertSameFiles(runFiles(path), expected, "reopened");
    // And a torn last line of metrics.jsonl is cut from all three.
    appendFileSync(path, '{"kind":"train","st');
    writeFileSync(derived.csv, "garbage");
    MetricsWriter.open(path).close();
    assertSameFiles(runFiles(path), expected, "reopened after a torn line");
  });

  test("a run killed and resumed from the CLI ends with the same metrics.csv and event file as an uninterrupted one", { timeout: 120_000 }, async () => {
    const runsDir = temporaryDir();
    // The shared tiny run, shortened: later overrides win.
    const tinyRun = (name: string): string[] => [...tinyRunArgs(runsDir, name), "experiment.totalSteps=60", "experiment.evalEvery=30"];
    runToEnd(tinyRun("whole"));
    const whole = join(runsDir, "whole", "metrics.jsonl");
    const rows = readMetrics(whole);
    assert.ok(rows.some((row) => row.kind === "eval") && rows.some((row) => row.kind === "train"));
    assertEventFileMatchesRows(runFiles(whole).events, rows);
    assert.equal(runFiles(whole).csv.toString("utf8"), metricsCsvText(rows));

    const killedDir = join(runsDir, "killed");
    const savedStep = await killAfterCheckpoint(tinyRun("killed"), killedDir, 30, 25);
    assert.ok(savedStep < 60, "the run must be killed before its end");
    runToEnd(["train", "--resume", killedDir]);
    assertSameFiles(runFiles(join(killedDir, "metrics.jsonl")), runFiles(whole), "killed and resumed");
  });
});
