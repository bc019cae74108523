import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@mtrl/mtenv";
import { loadTaskMetadataFile } from "./metadata-file.js";

const folder = mkdtempSync(join(tmpdir(), "task-metadata-"));
after(() => rmSync(folder, { recursive: true, force: true }));

let fileCount = 0;
/** Writes `text` to a new file in the test folder and returns its path. */
function fileWith(text: string): string {
  fileCount += 1;
  const path = join(folder, `metadata-${fileCount}.json`);
  writeFileSync(path, text);
  return path;
}

/** Asserts that loading throws a ConfigError whose message matches every pattern. */
function assertConfigError(load: () => unknown, patterns: readonly (RegExp | string)[]): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    for (const pattern of patterns) {
      if (typeof pattern === "string") assert.ok(error.message.includes(pattern), `message lacks ${JSON.stringify(pattern)}:\n${error.message}`);
      else assert.match(error.message, pattern);
    }
    return true;
  });
}

test("a good file loads in the run's task order, matching exact and -v1/-v2 suffixed keys", () => {
  const path = fileWith(JSON.stringify({ "push-v2": [4, 5, 6], reach: [1, 2, 3], "pick-place-v1": [7, 8, 9], "unused-task": [0, 0, 0] }));
  const { width, vectors } = loadTaskMetadataFile(path, ["reach", "push", "pick-place"]);
  assert.equal(width, 3);
  assert.deepEqual(vectors, [Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6), Float32Array.of(7, 8, 9)]);
});

test("an exact key wins over a versioned one, and the expected width is accepted when it matches", () => {
  const path = fileWith(JSON.stringify({ "reach-v1": [9, 9], reach: [1, 1] }));
  assert.deepEqual(loadTaskMetadataFile(path, ["reach"], 2).vectors, [Float32Array.of(1, 1)]);
});

test("each task gets its own copy of its vector", () => {
  const path = fileWith(JSON.stringify({ reach: [1, 2] }));
  const { vectors } = loadTaskMetadataFile(path, ["reach", "reach"]);
  vectors[0]![0] = 42;
  assert.equal(vectors[1]![0], 1);
});

test("a missing file is a ConfigError naming the path", () => {
  const path = join(folder, "no-such-file.json");
  assertConfigError(() => loadTaskMetadataFile(path, ["reach"]), [path, "does not exist"]);
});

test("an unreadable path (a folder) is a ConfigError naming the path", () => {
  assertConfigError(() => loadTaskMetadataFile(folder, ["reach"]), [folder, "cannot be read"]);
});

test("a file that is not JSON is a ConfigError naming the file", () => {
  const path = fileWith("{ reach: [1, 2, 3] ");
  assertConfigError(() => loadTaskMetadataFile(path, ["reach"]), [path, "is not valid JSON"]);
});

test("JSON that is not an object of arrays of numbers is a ConfigError saying what came", () => {
  const cases: Array<[string, string]> = [
    ["[[1, 2, 3]]", "got an array"],
    ["42", "got 42"],
    ['{ "reach": "0.1 0.2" }', '"reach" holds "0.1 0.2", expected an array of numbers'],
    ['{ "reach": [0.1, "0.2"] }', 'element 1 of "reach" is "0.2"'],
    ["{}", "is an empty object"],
    ['{ "reach": [] }', '"reach" is an empty array'],
  ];
  for (const [text, expected] of cases) {
    const path = fileWith(text);
    assertConfigError(() => loadTaskMetadataFile(path, ["reach"]), [path, expected]);
  }
});

test("non-finite numbers (null from NaN, overflowing literals) are a ConfigError naming the task and element", () => {
  const withNull = fileWith('{ "reach": [0.1, null, 0.3] }');
  assertConfigError(() => loadTaskMetadataFile(withNull, ["reach"]), [withNull, 'element 1 of "reach" is null', "NaN"]);
  const overflowing = fileWith('{ "reach": [0.1, 0.2, 1e999] }');
  assertConfigError(() => loadTaskMetadataFile(overflowing, ["reach"]), [overflowing, 'element 2 of "reach"', "finite"]);
});

test("a task of the run missing from the file is a ConfigError listing the run's tasks and the closest keys", () => {
  const path = fileWith(JSON.stringify({ "reach-v1": [1, 2], "pusj-v1": [3, 4], "door-open-v1": [5, 6] }));
  assertConfigError(
    () => loadTaskMetadataFile(path, ["reach", "push", "window-close"]),
    [path, 'no vector for tasks "push", "window-close"', "did you mean pusj-v1?", "The run needs a vector for each of its tasks: reach, push, window-close", "reach-v1, pusj-v1, door-open-v1"],
  );
});

test("rows of different widths are a ConfigError naming both tasks and widths", () => {
  const path = fileWith(JSON.stringify({ reach: [1, 2, 3], push: [1, 2] }));
  assertConfigError(() => loadTaskMetadataFile(path, ["reach", "push"]), [path, '"reach" has 3 numbers but "push" has 2']);
});

test("a width other than the expected one is a ConfigError with expected width, got width and a task", () => {
  const path = fileWith(JSON.stringify({ "reach-v1": [1, 2, 3], "push-v1": [4, 5, 6] }));
  assertConfigError(() => loadTaskMetadataFile(path, ["reach", "push"], 768), [path, "width 3", 'task "reach-v1"', "expected width 768"]);
});

test("two versioned keys for one task are ambiguous: a ConfigError naming both", () => {
  const path = fileWith(JSON.stringify({ "reach-v1": [1], "reach-v2": [2] }));
  assertConfigError(() => loadTaskMetadataFile(path, ["reach"]), [path, '"reach-v1", "reach-v2"']);
});
