import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../testing/cli-runs.js";
import { waitFor } from "../testing/wait-for.js";
import { LEASE_FILE, readLeaseHistory } from "./lease.js";
import { LEASE_HELD_EXIT } from "./leased-run.js";
import { readRunStatus } from "./run-status.js";

const ENV = { ...process.env, MTRL_BACKEND: "js", MTRL_LEASE_SECONDS: "30" };
const OVERRIDES = ["env=mt-pendulum", "experiment=smoke", "experiment.totalSteps=1000", "experiment.warmupSteps=50", "experiment.checkpointEvery=50", "experiment.evalEvery=500", "agent.batchSize=32", "agent.actor.trunk.hiddenSizes=[32,32]", "agent.critic.trunk.hiddenSizes=[32,32]"];

test("a second train --lease of a running run exits 75; a train process whose sweep was SIGKILLed saves a checkpoint, releases its lease, and the sweep started again resumes it", { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-local-sweep-"));
  try {
    const sweepFile = join(dir, "one.yaml");
    writeFileSync(sweepFile, `name: one\nbase: [${OVERRIDES.map((override) => JSON.stringify(override)).join(", ")}]\nseeds: [7]\n`);
    const runsDir = join(dir, "runs");
    const runDir = join(runsDir, "one", "seed7");
    // The sweep process alone is killed below, not its train process: it must notice by itself.
    const sweep = spawn(process.execPath, [cli, "sweep", sweepFile, "--local", "1", "--runs-dir", runsDir], { stdio: "ignore", env: ENV });
    const sweepExited = new Promise((done) => sweep.once("exit", done));
    await waitFor("the first checkpoint", 90_000, () => (readRunStatus("seed7", runDir).checkpointStep >= 50) || undefined);

    const twice = spawnSync(process.execPath, [cli, "train", ...OVERRIDES, "seed=7", `experiment.runsDir=${join(runsDir, "one")}`, "experiment.runName=seed7", "--lease"], { encoding: "utf8", env: ENV });
    assert.equal(twice.status, LEASE_HELD_EXIT, `${twice.stdout}${twice.stderr}`);
    assert.match(twice.stderr, /seed7 is being trained by .+:\d+:[0-9a-f]+ \(lease \d+ s from expiry\); not starting it twice\. Try again later\./);

    sweep.kill("SIGKILL");
    await sweepExited;
    await waitFor("the orphaned train process to release its lease", 30_000, () => (!existsSync(join(runDir, LEASE_FILE))) || undefined);
    const stopped = readRunStatus("seed7", runDir);
    assert.ok(stopped.checkpointStep < 1000, "the run finished before its sweep was killed; the test must interrupt it");
    assert.equal(stopped.state, "pending");
    assert.match(readFileSync(join(runDir, "train.log"), "utf8"), /The worker that started this run exited: saving a checkpoint/);
    assert.deepEqual(readLeaseHistory(runDir).map((event) => event.event), ["acquired", "released"]);

    const again = spawnSync(process.execPath, [cli, "sweep", sweepFile, "--local", "1", "--runs-dir", runsDir], { encoding: "utf8", env: ENV, timeout: 120_000 });
    assert.equal(again.status, 0, `${again.stdout}${again.stderr}`);
    assert.match(again.stdout, /seed7 +done +1000\/1000/);
    assert.match(readFileSync(join(runDir, "train.log"), "utf8"), new RegExp(`resuming: .*seed7`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
