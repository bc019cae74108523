import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, test } from "node:test";
import { TrainingProgress, formatDuration, formatTrainSummary } from "./training-progress.js";

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

  test("without a TTY: a plain line per interval with the bar's fields (step/total, steps/s, ETA, last eval)", () => {
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
    progress.handle({ kind: "checkpoint", step: 100 });
    assert.equal(output.text().trim().split("\n").length, 2, "an evaluation or a checkpoint adds no line of its own");
    for (let step = 101; step <= 200; step++) {
      now = step * 100;
      progress.handle({ kind: "step", step });
    }
    assert.match(output.text(), /\[mtrl\] step 200\/1000 \(20\.0%\) \| 10\.0 steps\/s \| ETA 1m20s \| eval return -812\.3 success n\/a\n$/);
    now = 21_000;
    progress.handle({ kind: "end", step: 210, stopped: true });
    assert.match(output.text(), /step 210\/1000 .*\n\[mtrl\] stopped at step 210 of 1000\n$/);
    assert.doesNotMatch(output.text(), /\r|\u001b\[/, "plain mode writes no carriage returns or escape codes");
  });

  test("without a TTY: frequent evaluations and checkpoints still give one line per 10 s", () => {
    let now = 0;
    const output = captureStream();
    const progress = new TrainingProgress({ stream: output.stream, now: () => now });
    progress.handle({ kind: "start", step: 0, totalSteps: 600 });
    // 60 s at 10 steps/s, an evaluation every 12 steps and a checkpoint every 24.
    for (let step = 1; step <= 600; step++) {
      now = step * 100;
      if (step % 12 === 0) progress.handle({ kind: "eval", step, meanReturn: -step, meanSuccess: null });
      progress.handle({ kind: "step", step });
      if (step % 24 === 0) progress.handle({ kind: "checkpoint", step });
    }
    progress.handle({ kind: "end", step: 600, stopped: false });
    const lines = output.text().trim().split("\n");
    assert.equal(lines[0], "[mtrl] training for 600 steps");
    assert.deepEqual(
      lines.slice(1).map((line) => /^\[mtrl\] step (\d+)\/600 /.exec(line)?.[1]),
      ["100", "200", "300", "400", "500", "600"],
      `one status line per 10 s, got:\n${output.text()}`,
    );
    assert.match(lines.at(-1)!, /step 600\/600 \(100\.0%\) \| 10\.0 steps\/s \| ETA 0s \| eval return -600\.0 success n\/a$/);
  });

  test("the rate and the ETA follow the last 30 s, not the average since the start", () => {
    let now = 0;
    const progress = new TrainingProgress({ stream: captureStream().stream, now: () => now });
    progress.handle({ kind: "start", step: 0, totalSteps: 30_000 });
    let step = 0;
    // 10 s of warm-up at 1000 steps/s (no updates), then 60 s at 100 steps/s.
    for (let tick = 1; tick <= 700; tick++) {
      now = tick * 100;
      step += tick <= 100 ? 100 : 10;
      progress.handle({ kind: "step", step });
    }
    assert.equal(step, 16_000);
    // The average since the start would be 16000 / 70 s ≈ 228.6 steps/s and the ETA 61 s.
    assert.ok(Math.abs(progress.stepsPerSecond() - 100) < 1e-9, `rate ${progress.stepsPerSecond()}`);
    assert.ok(Math.abs(progress.etaSeconds() - 140) < 1e-6, `ETA ${progress.etaSeconds()}`);
    assert.match(progress.statusLine(), /\| 100\.0 steps\/s \| ETA 2m20s \|/);
  });

  test("the rate window is configurable and covers the start until it is full", () => {
    let now = 0;
    const progress = new TrainingProgress({ stream: captureStream().stream, now: () => now, rateWindowMs: 5000 });
    progress.handle({ kind: "start", step: 0, totalSteps: 1000 });
    now = 2000;
    progress.handle({ kind: "step", step: 100 });
    assert.equal(progress.stepsPerSecond(), 50);
    for (let tick = 1; tick <= 100; tick++) {
      now = 2000 + tick * 100;
      progress.handle({ kind: "step", step: 100 + tick });
    }
    assert.ok(Math.abs(progress.stepsPerSecond() - 10) < 1e-9, `rate ${progress.stepsPerSecond()}`);
  });

  test("a finished run resumed says it is complete and shows no rate", () => {
    for (const interactive of [false, true]) {
      let now = 0;
      const output = captureStream();
      const progress = new TrainingProgress({ stream: output.stream, interactive, now: () => now });
      progress.handle({ kind: "start", step: 300, totalSteps: 300 });
      now = 2000;
      progress.handle({ kind: "end", step: 300, stopped: false });
      progress.stop();
      assert.equal(output.text(), "[mtrl] already complete: 300/300 steps, nothing left to train\n");
    }
  });

  test("the summary of a session gives its rate only when it trained steps", () => {
    const base = { totalSteps: 300, envStepsPerSecond: 0, backend: "js" };
    assert.equal(formatTrainSummary({ ...base, steps: 300, startStep: 0, envStepsPerSecond: 132.4 }), "300 steps, 132 env steps/s, backend js");
    assert.equal(formatTrainSummary({ ...base, steps: 300, startStep: 300 }), "300/300 steps (already complete, nothing trained), backend js");
    assert.equal(formatTrainSummary({ ...base, steps: 100, startStep: 100 }), "100/300 steps (none trained in this session), backend js");
  });

  test("the end of a run prints its final state once, with the final evaluation", () => {
    let now = 0;
    const output = captureStream();
    const progress = new TrainingProgress({ stream: output.stream, now: () => now });
    progress.handle({ kind: "start", step: 0, totalSteps: 10 });
    now = 10_000;
    progress.handle({ kind: "eval", step: 10, meanReturn: -1, meanSuccess: 1 });
    progress.handle({ kind: "step", step: 10 });
    progress.handle({ kind: "end", step: 10, stopped: false });
    assert.equal(output.text().match(/step 10\/10/g)?.length, 1, output.text());
    assert.match(output.text(), /step 10\/10 .*eval return -1\.0 success 1\.00\n$/);
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
