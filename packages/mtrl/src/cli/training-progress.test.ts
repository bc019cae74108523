import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { TrainingProgress, formatDuration } from "./training-progress.js";

/** A non-TTY stream that keeps what was written. */
function captureStream(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("training progress", () => {
  test("durations read as h/m/s", () => {
    assert.equal(formatDuration(5), "5s");
    assert.equal(formatDuration(245), "4m05s");
    assert.equal(formatDuration(3720), "1h02m");
    assert.equal(formatDuration(Number.NaN), "?");
  });

  test("without a TTY: plain lines at most once per interval, with steps/s, ETA and the latest eval", () => {
    let now = 0;
    const output = captureStream();
    const progress = new TrainingProgress({ stream: output.stream, intervalMs: 10_000, now: () => now });
    progress.handle({ kind: "start", step: 0, totalSteps: 1000 });
    for (let step = 1; step <= 100; step++) {
      now = step * 100; // 10 steps/s
      progress.handle({ kind: "step", step });
    }
    const lines = output.text().trim().split("\n");
    assert.equal(lines[0], "[mtrl] training for 1000 steps");
    assert.equal(lines.length, 2, `one progress line after 10 s, got:\n${output.text()}`);
    assert.equal(lines[1], "[mtrl] step 100/1000 (10.0%) | 10.0 steps/s | ETA 1m30s | eval: none yet");
    progress.handle({ kind: "eval", step: 100, meanReturn: -812.34, meanSuccess: null });
    assert.match(output.text(), /step 100\/1000 \(10\.0%\) \| 10\.0 steps\/s \| ETA 1m30s \| eval return -812\.3 success n\/a\n$/);
    progress.handle({ kind: "checkpoint", step: 100 });
    assert.match(output.text(), /checkpoint saved at step 100\n$/);
    now = 11_000;
    progress.handle({ kind: "end", step: 110, stopped: true });
    assert.match(output.text(), /stopped at step 110 of 1000\n$/);
    assert.doesNotMatch(output.text(), /\r|\u001b\[/, "plain mode writes no carriage returns or escape codes");
  });

  test("the end of a run does not repeat the line the final evaluation printed", () => {
    let now = 0;
    const output = captureStream();
    const progress = new TrainingProgress({ stream: output.stream, now: () => now });
    progress.handle({ kind: "start", step: 0, totalSteps: 10 });
    now = 1000;
    progress.handle({ kind: "eval", step: 10, meanReturn: -1, meanSuccess: 1 });
    progress.handle({ kind: "step", step: 10 });
    progress.handle({ kind: "end", step: 10, stopped: false });
    assert.equal(output.text().match(/step 10\/10/g)?.length, 1, output.text());
  });

  test("a resumed run measures speed from the resume step", () => {
    let now = 0;
    const output = captureStream();
    const progress = new TrainingProgress({ stream: output.stream, now: () => now });
    progress.handle({ kind: "start", step: 500, totalSteps: 1000 });
    now = 5000;
    progress.handle({ kind: "step", step: 550 });
    assert.equal(progress.stepsPerSecond(), 10);
    assert.equal(progress.etaSeconds(), 45);
    assert.match(output.text(), /^\[mtrl\] resuming at step 500 of 1000\n/);
  });

  test("with a TTY: a cli-progress bar showing steps/s, ETA and eval", () => {
    let now = 0;
    const output = captureStream();
    (output.stream as unknown as { isTTY: boolean; columns: number }).isTTY = true;
    (output.stream as unknown as { columns: number }).columns = 160;
    Object.assign(output.stream, { cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const progress = new TrainingProgress({ stream: output.stream, now: () => now });
    progress.handle({ kind: "start", step: 0, totalSteps: 200 });
    now = 2000;
    progress.handle({ kind: "eval", step: 100, meanReturn: -150, meanSuccess: 0.5 });
    progress.handle({ kind: "end", step: 200, stopped: false });
    const text = output.text();
    assert.match(text, /train \|/);
    assert.match(text, /steps\/s/);
    assert.match(text, /eval return -150\.0 success 0\.50/);
  });
});
