import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { parse } from "yaml";
import { DEFAULT_CONFIG_DIR } from "../config/config-dir.js";
import { cli, runMain } from "../testing/cli-runs.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** A user's config folder: one shipped agent recipe with another discount, and a new experiment option. */
function userConfigDir(parent = realpathSync(mkdtempSync(join(tmpdir(), "mtrl-user-config-")))): string {
  if (!temporaryDirs.includes(parent)) temporaryDirs.push(parent);
  const files = {
    "agent/mtsac-small.yaml": readFileSync(join(DEFAULT_CONFIG_DIR, "agent/mtsac-small.yaml"), "utf8").replace(/^discount: .*$/m, "discount: 0.5"),
    "experiment/tiny.yaml": readFileSync(join(DEFAULT_CONFIG_DIR, "experiment/smoke.yaml"), "utf8").replace(/^totalSteps: .*$/m, "totalSteps: 7"),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(parent, path, ".."), { recursive: true });
    writeFileSync(join(parent, path), text);
  }
  return parent;
}


interface PrintedConfig {
  readonly agent: { readonly discount: number };
  readonly experiment: { readonly totalSteps: number };
}

describe("mtrl train/list --config-dir <dir>", () => {
  test("train composes the user's groups over the shipped ones: a same-named file wins, a new option adds", async () => {
    const dir = userConfigDir();
    const { status, stdout, stderr } = await runMain(["train", "--config-dir", dir, "--print-config", "experiment=tiny"]);
    assert.equal(status, 0, stderr);
    const printed = parse(stdout) as PrintedConfig;
    assert.equal(printed.agent.discount, 0.5, "the user's agent/mtsac-small.yaml (the default agent) wins");
    assert.equal(printed.experiment.totalSteps, 7, "the user's experiment=tiny is an option");
  });

  test("list marks each of the user's options with its file", async () => {
    const dir = userConfigDir();
    const { status, stdout, stderr } = await runMain(["list", `--config-dir=${dir}`]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^Config groups \(shipped in .*config\/, yours in .*mtrl-user-config-\w+\/ win\)/m);
    assert.match(stdout, /^    \* mtsac-small\s+MT-SAC sized for small control tasks .*\[.*agent\/mtsac-small\.yaml\]$/m);
    assert.match(stdout, /^      tiny\s+\[.*experiment\/tiny\.yaml\]$/m);
    assert.match(stdout, /^      mtsac\s+MT-SAC: [^[]*$/m, "a shipped option carries no file mark");
  });

  test("a --config-dir that does not exist exits 2 naming it", async () => {
    const { status, stderr } = await runMain(["train", "--config-dir", join(tmpdir(), "no-such-mtrl-config"), "--print-config"]);
    assert.equal(status, 2);
    assert.match(stderr, /^error: --config-dir .*no-such-mtrl-config: no such folder/);
  });

  test("train --resume refuses --config-dir: a resumed run uses its saved config.yaml", async () => {
    const { status, stderr } = await runMain(["train", "--resume", "some-run", "--config-dir", "my-config"]);
    assert.equal(status, 2);
    assert.match(stderr, /--config-dir is not used \(got --config-dir my-config\)/);
  });

  test("the working directory's config/ is read without any option (spawned CLI)", () => {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), "mtrl-cwd-config-")));
    userConfigDir(join(cwd, "config"));
    temporaryDirs.push(cwd);
    const result = spawnSync(process.execPath, [cli, "train", "--print-config", "experiment=tiny"], { cwd, encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    const printed = parse(result.stdout) as PrintedConfig;
    assert.equal(printed.agent.discount, 0.5);
    assert.equal(printed.experiment.totalSteps, 7);
  });
});
