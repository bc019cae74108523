import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@mtrl/core";
import { expandSweep, loadSweep, validateSweepFile } from "./sweep-file.js";
import { readSweepManifest, SweepError, writeSweepManifest } from "./sweep-manifest.js";

function expand(input: unknown) {
  return expandSweep(validateSweepFile(input, "test.yaml"));
}

function errorOf(input: unknown): string {
  try {
    validateSweepFile(input, "test.yaml");
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("the sweep file was accepted");
}

describe("sweep files", () => {
  test("run names are pinned: groups by value, dotted keys by their last segment, seeds last, grid order then list order", () => {
    const sweep = expand({
      name: "pin",
      base: ["env=mt-pendulum", "experiment=smoke"],
      grid: { agent: ["mtsac-small", "mtmhsac"], "agent.actor.lr": [0.001, 3e-4] },
      list: [{ agent: "care", "agent.actor.trunk.hiddenSizes": [64, 64] }],
      seeds: [1, 2],
    });
    assert.deepEqual(
      sweep.runs.map((run) => run.name),
      [
        "mtsac-small-lr0.001-seed1",
        "mtsac-small-lr0.001-seed2",
        "mtsac-small-lr0.0003-seed1",
        "mtsac-small-lr0.0003-seed2",
        "mtmhsac-lr0.001-seed1",
        "mtmhsac-lr0.001-seed2",
        "mtmhsac-lr0.0003-seed1",
        "mtmhsac-lr0.0003-seed2",
        "care-hiddenSizes64_64-seed1",
        "care-hiddenSizes64_64-seed2",
      ],
    );
    assert.deepEqual(sweep.runs[2]!.overrides, ["env=mt-pendulum", "experiment=smoke", "agent=mtsac-small", "agent.actor.lr=0.0003", "seed=1"]);
    assert.deepEqual(sweep.runs[8]!.overrides, ["env=mt-pendulum", "experiment=smoke", "agent=care", "agent.actor.trunk.hiddenSizes=[64,64]", "seed=1"]);
    // Deterministic: the same file expands to the same runs.
    assert.deepEqual(expand({ name: "pin", base: ["env=mt-pendulum", "experiment=smoke"], grid: { agent: ["mtsac-small", "mtmhsac"], "agent.actor.lr": [0.001, 3e-4] }, list: [{ agent: "care", "agent.actor.trunk.hiddenSizes": [64, 64] }], seeds: [1, 2] }), sweep);
  });

  test("keys that end alike are named in full, names that still collide get a hash; strings YAML would misread keep quotes", () => {
    const sweep = expand({ name: "clash", grid: { "agent.actor.lr": [0.1], "agent.critic.lr": [0.1, 0.2] } });
    assert.deepEqual(
      sweep.runs.map((run) => run.name),
      ["agent_actor_lr0.1-agent_critic_lr0.1", "agent_actor_lr0.1-agent_critic_lr0.2"],
    );
    const hashed = expand({ name: "hash", list: [{ "agent.actor.lr": "a b" }, { "agent.actor.lr": "a_b" }] });
    assert.equal(new Set(hashed.runs.map((run) => run.name)).size, 2);
    for (const run of hashed.runs) assert.match(run.name, /^agent_actor_lra_b-[0-9a-f]{6}$/);
    assert.deepEqual(expand({ name: "q", list: [{ "env.id": "3" }] }).runs[0]!.overrides, ['env.id="3"']);
    assert.deepEqual(expand({ name: "seeds-only", base: ["env=mt-pendulum"], seeds: [4, 5] }).runs.map((run) => run.name), ["seed4", "seed5"]);
  });

  test("a malformed sweep file is answered with one path-addressed line per problem", () => {
    const message = errorOf({ name: "a b", grid: { agent: "mtsac", seed: [1] }, list: [{ "experiment.runsDir": "x" }], seeds: [1, "two"], extra: 1 });
    assert.match(message, /^Invalid sweep file test\.yaml \(4 problems\):/);
    assert.match(message, /\n {2}name: expected a folder name/);
    assert.match(message, /\n {2}grid\.agent: expected a list such as \[1, 2\], got "mtsac" \(a string\)\./);
    assert.match(message, /\n {2}seeds\.1: expected an integer, got "two"/);
    assert.match(message, /\n {2}extra: unknown key\. Allowed keys here: name, base, grid, list, seeds\./);
    const keys = errorOf({ name: "ok", grid: { seed: [1] }, list: [{ "experiment.runsDir": "x" }], seeds: [1] });
    assert.match(keys, /grid\.seed: the seeds come from `seeds:`/);
    assert.match(keys, /list\.0\.experiment\.runsDir: set by the sweep/);
  });

  test("a key or value that composes no config names the run and the file before anything runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "mtrl-sweep-file-"));
    try {
      const path = join(dir, "sweep.yaml");
      writeFileSync(path, "name: bad\nbase: [env=mt-pendulum]\ngrid:\n  agent.discount: [0.9, 7]\n");
      assert.throws(() => loadSweep(path), (error: Error) => error instanceof ConfigError && /run discount7 \(env=mt-pendulum agent\.discount=7\): .*agent\.discount/s.test(error.message));
      writeFileSync(path, "name: [oops\n");
      assert.throws(() => loadSweep(path), (error: Error) => error instanceof ConfigError && /sweep\.yaml:\d+:\d+: invalid YAML/.test(error.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("sweep.json is written once; the same runs again are accepted, other runs under the same name refused", () => {
    const runsDir = mkdtempSync(join(tmpdir(), "mtrl-sweep-manifest-"));
    try {
      const sweep = expand({ name: "m", base: ["env=mt-pendulum"], seeds: [1, 2] });
      writeSweepManifest(runsDir, sweep);
      writeSweepManifest(runsDir, sweep);
      assert.deepEqual(readSweepManifest(runsDir, "m"), sweep);
      assert.throws(() => writeSweepManifest(runsDir, expand({ name: "m", base: ["env=mt-pendulum"], seeds: [1, 3] })), SweepError);
      assert.throws(() => readSweepManifest(runsDir, "nope"), /No sweep "nope"/);
    } finally {
      rmSync(runsDir, { recursive: true, force: true });
    }
  });
});
