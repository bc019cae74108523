import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { RunFolderError, createRunDir, defaultRunName, listRuns, resolveRunDir } from "./run-dir.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function runsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-runs-"));
  temporaryDirs.push(dir);
  return join(dir, "runs");
}

describe("run folders", () => {
  test("the default name is <env>-<agent>-seed<seed>", () => {
    assert.equal(defaultRunName({ env: "mt-pendulum", agent: "mtsac" }, 3), "mt-pendulum-mtsac-seed3");
  });

  test("creating a run makes the folder and its checkpoints/ (and the runs folder itself)", () => {
    const root = runsDir();
    const paths = createRunDir(root, "mt-pendulum-mtsac-seed1");
    assert.equal(paths.name, "mt-pendulum-mtsac-seed1");
    assert.ok(existsSync(paths.checkpoints));
    assert.equal(paths.config, join(paths.dir, "config.yaml"));
    assert.equal(paths.metrics, join(paths.dir, "metrics.jsonl"));
    assert.equal(paths.report, join(paths.dir, "report.html"));
  });

  test("a taken name gets the first free -2, -3, ... suffix; the old run is untouched", () => {
    const root = runsDir();
    const first = createRunDir(root, "exp");
    writeFileSync(first.config, "old");
    const second = createRunDir(root, "exp");
    const third = createRunDir(root, "exp");
    assert.deepEqual([first.name, second.name, third.name], ["exp", "exp-2", "exp-3"]);
    assert.ok(existsSync(first.config) && !existsSync(second.config));
  });

  test("names with path separators are refused", () => {
    assert.throws(() => createRunDir(runsDir(), "../escape"), RunFolderError);
    assert.throws(() => createRunDir(runsDir(), ".."), RunFolderError);
  });

  test("listRuns lists folders sorted, with what each holds", () => {
    const root = runsDir();
    const b = createRunDir(root, "b-run");
    createRunDir(root, "a-run");
    writeFileSync(b.config, "x");
    writeFileSync(join(b.checkpoints, "latest.json"), "{}");
    assert.deepEqual(
      listRuns(root).map((run) => [run.name, run.hasConfig, run.hasReport, run.checkpointFiles]),
      [
        ["a-run", false, false, 0],
        ["b-run", true, false, 1],
      ],
    );
    assert.deepEqual(listRuns(join(root, "missing")), []);
  });

  test("resolveRunDir accepts a run name or a path, and needs config.yaml", () => {
    const root = runsDir();
    const run = createRunDir(root, "mt-pendulum-mtsac-seed1");
    writeFileSync(run.config, "x");
    assert.equal(resolveRunDir("mt-pendulum-mtsac-seed1", root).dir, run.dir);
    assert.equal(resolveRunDir(run.dir, root).dir, run.dir);
    mkdirSync(join(root, "empty"));
    assert.throws(() => resolveRunDir("empty", root), /is not a run folder: it has no config\.yaml/);
  });

  test("an unknown run lists the runs and suggests the closest name", () => {
    const root = runsDir();
    writeFileSync(createRunDir(root, "mt-pendulum-mtsac-seed1").config, "x");
    assert.throws(
      () => resolveRunDir("mt-pendulum-mtsac-seed2", root),
      (error: unknown) =>
        error instanceof RunFolderError &&
        /Did you mean: mt-pendulum-mtsac-seed1\?/.test(error.message) &&
        /Runs: mt-pendulum-mtsac-seed1\./.test(error.message),
    );
    assert.throws(() => resolveRunDir("x", join(root, "none")), /holds no runs yet/);
  });
});
