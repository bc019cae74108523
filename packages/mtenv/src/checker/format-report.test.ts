import assert from "node:assert/strict";
import { test } from "node:test";
import { Box } from "../spaces/box.js";
import { formatCheckReport, wrapText } from "./format-report.js";

test("wrapText keeps lines within the width and breaks only between words or after a comma", () => {
  const json = new Box(-1, 1, { shape: [16] }).toString();
  const text = `action ${json}; observation keys envObs, taskObs`;
  const lines = wrapText(text, 40);
  for (const line of lines) assert.ok(line.length <= 40, `longer than 40: ${line}`);
  // Rejoined (no space after a comma break, one space after a word break) it is the same text.
  assert.equal(lines.reduce((joined, line) => (joined.endsWith(",") ? joined + line : `${joined} ${line}`)), text);
  for (const line of lines.slice(0, -1)) assert.match(line, /,$|[^ ,]$/);
});

test("wrapText moves a value that fits a line to the next line instead of splitting it", () => {
  assert.deepEqual(wrapText('got {"a":1,"b":2} here', 14), ["got", '{"a":1,"b":2}', "here"]);
});

test("wrapText never cuts a value without a comma, even one longer than a line", () => {
  const long = "x".repeat(30);
  assert.deepEqual(wrapText(`a ${long} b`, 10), ["a", long, "b"]);
});

test("wrapText keeps the indentation of each line of a multi-line message", () => {
  assert.deepEqual(wrapText("Invalid:\n  kwargs.a: unknown keyword", 16), ["Invalid:", "  kwargs.a:", "  unknown", "  keyword"]);
});

test("formatCheckReport wraps long messages under the message column", () => {
  const report = {
    passed: false,
    results: [
      { name: "spaces", passed: true, message: `action ${new Box(-1, 1, { shape: [16] }).toString()}`, durationMs: 0 },
      { name: "close", passed: false, message: "short", durationMs: 0 },
    ],
  };
  const lines = formatCheckReport(report, { width: 60 }).split("\n");
  assert.match(lines[0]!, /^PASS  spaces  action \{"type":"box",/);
  assert.ok(lines.every((line) => line.length <= 60), lines.join("\n"));
  const continuation = lines.slice(1, lines.findIndex((line) => line.startsWith("FAIL")));
  assert.ok(continuation.length > 0 && continuation.every((line) => line.startsWith(" ".repeat("PASS  spaces  ".length))), lines.join("\n"));
  assert.equal(lines.at(-2), "FAIL  close   short");
  assert.equal(lines.at(-1), "1 of 2 checks failed");
});
