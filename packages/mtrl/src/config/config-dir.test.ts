import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { composeConfig } from "./compose.js";
import { DEFAULT_CONFIG_DIR, groupOptionPath, listAllGroupOptions, readDefaults, resolveConfigDirs } from "./config-dir.js";
import { configErrorOf } from "../testing/config-error.js";

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** An empty temporary folder (its real path, so it compares equal to resolved paths). */
function temporaryDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "mtrl-config-dirs-")));
  temporaryDirs.push(dir);
  return dir;
}

/** Writes `files` (path relative to `dir` → text) and returns `dir`. */
function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A shipped group file with some lines replaced: a user's variant of it. */
function shippedWith(path: string, replacements: Record<string, string>): string {
  let text = readFileSync(join(DEFAULT_CONFIG_DIR, path), "utf8");
  for (const [pattern, replacement] of Object.entries(replacements)) {
    const edited = text.replace(new RegExp(pattern, "m"), replacement);
    assert.notEqual(edited, text, `${path} has a line matching ${pattern}`);
    text = edited;
  }
  return text;
}


describe("the shipped config groups", () => {
  test("live in the mtrl package's config/ folder, found from the module whatever the working directory", () => {
    assert.match(DEFAULT_CONFIG_DIR.replaceAll("\\", "/"), /packages\/mtrl\/config\/$/);
    const options = listAllGroupOptions(DEFAULT_CONFIG_DIR);
    assert.ok(options.env.includes("mt-pendulum") && options.agent.includes("mtsac-small") && options.experiment.includes("smoke"));
    assert.deepEqual(readDefaults(DEFAULT_CONFIG_DIR), { env: "mt-pendulum", agent: "mtsac-small", experiment: "default" });
  });
});

describe("resolveConfigDirs: where the CLI reads config groups from", () => {
  test("only the shipped groups when the working directory has no config/ and no --config-dir is given", () => {
    assert.deepEqual(resolveConfigDirs({ cwd: temporaryDir() }), [DEFAULT_CONFIG_DIR]);
  });

  test("the working directory's config/ comes after the shipped groups, --config-dir after both", () => {
    const cwd = temporaryDir();
    writeFiles(cwd, { "config/agent/mine.yaml": "type: mtsac\n", "elsewhere/env/my-env.yaml": "id: MT-Pendulum-v0\n" });
    assert.deepEqual(resolveConfigDirs({ cwd }), [DEFAULT_CONFIG_DIR, join(cwd, "config/")]);
    assert.deepEqual(resolveConfigDirs({ cwd, configDir: "elsewhere" }), [DEFAULT_CONFIG_DIR, join(cwd, "config/"), join(cwd, "elsewhere/")]);
  });

  test("a folder named twice is read once", () => {
    const cwd = temporaryDir();
    writeFiles(cwd, { "config/train.yaml": "defaults: {}\n" });
    assert.deepEqual(resolveConfigDirs({ cwd, configDir: "config" }), [DEFAULT_CONFIG_DIR, join(cwd, "config/")]);
    assert.deepEqual(resolveConfigDirs({ cwd, configDir: DEFAULT_CONFIG_DIR }), [DEFAULT_CONFIG_DIR, join(cwd, "config/")]);
  });

  test("a --config-dir that does not exist is an error naming it and what it should hold", () => {
    const message = configErrorOf(() => resolveConfigDirs({ cwd: temporaryDir(), configDir: "my-confg" }));
    assert.match(message, /^--config-dir my-confg: no such folder \(.*my-confg\)\. Expected a folder holding <group>\/<option>\.yaml files \(groups: env, agent, experiment\)/);
  });

  test("a --config-dir holding no group folder and no train.yaml is an error (e.g. a group folder itself)", () => {
    const cwd = writeFiles(temporaryDir(), { "my-config/agent/mine.yaml": "type: mtsac\n" });
    const message = configErrorOf(() => resolveConfigDirs({ cwd, configDir: "my-config/agent" }));
    assert.match(message, /--config-dir my-config\/agent: the folder holds none of train\.yaml, env\/, agent\/, experiment\/\. Pass the folder that contains the group folders/);
  });
});

describe("merging a user's config folder over the shipped groups", () => {
  test("a user's file of the same group and option wins; the other shipped files still apply", () => {
    const user = writeFiles(temporaryDir(), { "agent/mtsac-small.yaml": shippedWith("agent/mtsac-small.yaml", { "^discount: .*$": "discount: 0.5" }) });
    const dirs = [DEFAULT_CONFIG_DIR, user];
    assert.equal(groupOptionPath(dirs, "agent", "mtsac-small"), join(user, "agent", "mtsac-small.yaml"));
    assert.equal(groupOptionPath(dirs, "agent", "mtsac"), join(DEFAULT_CONFIG_DIR, "agent", "mtsac.yaml"));
    const { config, choices } = composeConfig([], { configDir: dirs });
    assert.equal(config.agent.discount, 0.5);
    assert.deepEqual(choices, { env: "mt-pendulum", agent: "mtsac-small", experiment: "default" });
    assert.equal(composeConfig(["agent=mtsac"], { configDir: dirs }).config.agent.discount, 0.99, "a shipped option the user did not touch");
  });

  test("a user's new option adds to the group's options and composes", () => {
    const user = writeFiles(temporaryDir(), {
      "experiment/tiny.yaml": shippedWith("experiment/smoke.yaml", { "^totalSteps: .*$": "totalSteps: 7" }),
    });
    const dirs = [DEFAULT_CONFIG_DIR, user];
    const experiments = listAllGroupOptions(dirs).experiment;
    assert.ok(experiments.includes("tiny") && experiments.includes("smoke") && experiments.includes("default"), experiments.join(", "));
    assert.equal(composeConfig(["experiment=tiny"], { configDir: dirs }).config.experiment.totalSteps, 7);
    assert.match(configErrorOf(() => composeConfig(["experiment=tiny"])), /experiment=tiny: no such experiment option/, "the shipped groups alone do not have it");
  });

  test("a later folder wins over an earlier one, and a user's train.yaml replaces the shipped defaults", () => {
    const first = writeFiles(temporaryDir(), { "experiment/default.yaml": shippedWith("experiment/default.yaml", { "^seed: .*$": "seed: 11" }) });
    const second = writeFiles(temporaryDir(), {
      "experiment/default.yaml": shippedWith("experiment/default.yaml", { "^seed: .*$": "seed: 22" }),
      "train.yaml": "defaults:\n  env: mt-pendulum\n  agent: mtsac\n  experiment: default\n",
    });
    const { config, choices } = composeConfig([], { configDir: [DEFAULT_CONFIG_DIR, first, second] });
    assert.equal(config.experiment.seed, 22);
    assert.equal(choices.agent, "mtsac");
    assert.equal(composeConfig([], { configDir: [DEFAULT_CONFIG_DIR, second, first] }).config.experiment.seed, 11);
  });

  test("a misspelt option names every folder searched and suggests from all of them", () => {
    const user = writeFiles(temporaryDir(), { "agent/my-agent.yaml": readFileSync(join(DEFAULT_CONFIG_DIR, "agent/mtsac.yaml"), "utf8") });
    const message = configErrorOf(() => composeConfig(["agent=my-agnet"], { configDir: [DEFAULT_CONFIG_DIR, user] }));
    assert.match(message, /^agent=my-agnet: no such agent option in .*config\/agent\/ or .*mtrl-config-dirs-\w+\/agent\/\. Available: /);
    assert.match(message, /Available: [^.]*\bmtsac\b/);
    assert.match(message, /Available: [^.]*\bmy-agent\b[^.]*\. Did you mean: my-agent\?$/);
  });
});
