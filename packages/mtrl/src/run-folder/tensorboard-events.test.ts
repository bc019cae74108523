import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { assertEventFileMatchesRows, crc32cBitwise, maskCrc, readTfRecords, readVarint } from "../testing/tensorboard-event-reader.js";
import { crc32c, maskedCrc32c } from "./crc32c.js";
import { MetricsWriter, derivedMetricsPaths, readMetrics } from "./metrics.js";
import { encodeVarint } from "./protobuf-encoder.js";
import { EVENT_FILE_VERSION } from "./tensorboard-events.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function metricsPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-tensorboard-"));
  temporaryDirs.push(dir);
  return join(dir, "metrics.jsonl");
}

/** Rows shaped like a real run's: train rows whose keys grow once updates start, eval rows per task, a NaN, large steps. */
function writeRealisticRows(writer: MetricsWriter): void {
  writer.writeTrain(10, { "train/reward_mean": -6.25 });
  writer.writeTrain(20, { "train/actor_loss": -12.1, "train/alpha/task0": 0.91, "train/critic_loss": 0.53, "train/reward_mean": -5.5 });
  writer.writeEval(20, { "eval/return/task0": -812.4, "eval/return/pick place": -790.2, "eval/success/task0": 0, "eval/success/pick place": 1, "eval/mean_return": -801.3 });
  writer.writeTrain(30, { "train/actor_loss": Number.NaN, "train/alpha/task0": 1e-7, "train/critic_loss": -0, "train/reward_mean": 123456.789 });
  writer.writeTrain(3_000_000_000, { "train/actor_loss": 1, "train/alpha/task0": 2, "train/critic_loss": 3, "train/reward_mean": 4 });
}

describe("TensorBoard event file", () => {
  test("CRC-32C matches the standard check value and TFRecord's mask", () => {
    const check = Buffer.from("123456789", "ascii");
    assert.equal(crc32c(check), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa, "32 zero bytes (RFC 3720 B.4)");
    assert.equal(maskedCrc32c(check), maskCrc(0xe3069283));
    assert.equal(crc32cBitwise(check), 0xe3069283, "the test's own CRC agrees with the check value");
  });

  test("varints hold steps beyond 2^32", () => {
    assert.deepEqual([...encodeVarint(300)], [0xac, 0x02]);
    assert.equal(readVarint(Buffer.from(encodeVarint(3_000_000_000)), 0).value, 3_000_000_000);
    assert.throws(() => encodeVarint(-1), /non-negative safe integer, got -1/);
  });

  test("every record's CRCs check and the scalars equal the metrics.jsonl rows", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writeRealisticRows(writer);
    writer.close();
    const rows = readMetrics(path);
    assert.equal(rows.length, 5);
    const eventFile = readFileSync(derivedMetricsPaths(path).tensorBoardEvents);
    assertEventFileMatchesRows(eventFile, rows);
    assert.equal(EVENT_FILE_VERSION, "brain.Event:2");
  });

  test("a corrupted byte fails the reader's CRC check (the check can fail)", () => {
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writeRealisticRows(writer);
    writer.close();
    const eventFile = readFileSync(derivedMetricsPaths(path).tensorBoardEvents);
    eventFile[eventFile.length - 10]! ^= 0x01;
    assert.throws(() => readTfRecords(eventFile), /data CRC/);
  });

  test("Python's tensorboard reads the same scalars", (context) => {
    const python = ["python3", "/usr/bin/python3"].find((candidate) => spawnSync(candidate, ["-c", "import tensorboard"], { encoding: "utf8" }).status === 0);
    if (python === undefined) {
      const reason = "no python3 with the tensorboard package (pip install tensorboard) on this machine";
      console.log(`skipped: ${reason}`);
      context.skip(reason);
      return;
    }
    const path = metricsPath();
    const writer = MetricsWriter.open(path);
    writeRealisticRows(writer);
    writer.close();
    const script = [
      "import json, math, sys",
      "from tensorboard.backend.event_processing.event_accumulator import EventAccumulator",
      "accumulator = EventAccumulator(sys.argv[1], size_guidance={'scalars': 0})",
      "accumulator.Reload()",
      "print(json.dumps({tag: [[e.step, e.wall_time, None if math.isnan(e.value) else e.value] for e in accumulator.Scalars(tag)] for tag in accumulator.Tags()['scalars']}))",
    ].join("\n");
    const result = spawnSync(python, ["-c", script, derivedMetricsPaths(path).tensorBoardEvents], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const read = JSON.parse(result.stdout) as Record<string, [number, number, number | null][]>;
    const expected: Record<string, [number, number, number | null][]> = {};
    for (const row of readMetrics(path)) {
      for (const [tag, value] of Object.entries(row)) {
        if (tag === "kind" || tag === "step") continue;
        (expected[tag] ??= []).push([row.step, row.step, Number.isNaN(value) ? null : Math.fround(value as number)]);
      }
    }
    assert.deepEqual(read, expected);
  });
});
