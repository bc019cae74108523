import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { cli } from "../testing/cli-runs.js";

const runsDir = mkdtempSync(join(tmpdir(), "mtrl-train-command-"));
after(() => rmSync(runsDir, { recursive: true, force: true }));

/** `mtrl train <args>` in a child process with stdout a pipe (not a TTY): plain progress lines. */
function train(args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  // Its own backend-choice cache: a test never writes the user's ~/.cache.
  const childEnv = { ...process.env, MTRL_CACHE_DIR: join(runsDir, "cache"), ...env };
  return spawnSync(process.execPath, [cli, "train", ...args], { encoding: "utf8", timeout: 120_000, env: childEnv });
}

/** The "backend: ..." lines of a train run's output. */
function backendLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => line.startsWith("backend: "));
}

const budget = ["experiment=smoke", "totalSteps=2", "warmupSteps=2", "evalEvery=2", "evalEpisodes=1", "checkpointEvery=2", "logEvery=2"];

test("resuming a finished run says it is already complete and prints no rate", () => {
  const first = train([...budget, `runsDir=${runsDir}`, "runName=finished"]);
  assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
  assert.match(first.stdout, /^2 steps, \d+ env steps\/s, backend \w+$/m);

  const resumed = train(["--resume", join(runsDir, "finished")]);
  assert.equal(resumed.status, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.match(resumed.stdout, /^\[mtrl\] already complete: 2\/2 steps, nothing left to train$/m);
  assert.match(resumed.stdout, /^2\/2 steps \(already complete, nothing trained\), backend \w+$/m);
  assert.doesNotMatch(resumed.stdout, /steps\/s/, `no rate for a session that trained no step:\n${resumed.stdout}`);
});

test("train (and eval) start with one line naming the backend, its threads and why; measured once, then cached", () => {
  const fresh = { MTRL_BACKEND: "", MTRL_CACHE_DIR: join(runsDir, "cache-backend-line") };
  const measuredRun = train([...budget, `runsDir=${runsDir}`, "runName=backend-line"], fresh);
  assert.equal(measuredRun.status, 0, `${measuredRun.stdout}\n${measuredRun.stderr}`);
  const [line, ...more] = backendLines(measuredRun.stdout);
  assert.deepEqual(more, [], "one backend line");
  assert.match(line!, /^backend: (native|wasm) \(.*\d threads?\) — (fastest on the GEMM set: (native|wasm) [\d.]+ m?s, (native|wasm) [\d.]+ m?s.*, measured now in .+|native unavailable: .+)$/);
  assert.ok(measuredRun.stdout.indexOf(line!) < measuredRun.stdout.indexOf("[mtrl]"), "before the progress lines");

  const resumed = train(["--resume", join(runsDir, "backend-line")], fresh);
  assert.equal(resumed.status, 0, `${resumed.stdout}\n${resumed.stderr}`);
  if (/fastest on the GEMM set/.test(line!)) assert.match(backendLines(resumed.stdout)[0]!, /, cached \d{4}-\d\d-\d\d$/);

  const forced = train([...budget, `runsDir=${runsDir}`, "runName=backend-forced"], { MTRL_BACKEND: "js" });
  assert.equal(forced.status, 0, `${forced.stdout}\n${forced.stderr}`);
  assert.deepEqual(backendLines(forced.stdout), ["backend: js — forced by MTRL_BACKEND"]);

  // eval says it too; with --json on stderr, so that stdout stays one JSON line.
  const evalEnv = { ...process.env, MTRL_BACKEND: "js", MTRL_CACHE_DIR: fresh.MTRL_CACHE_DIR };
  const table = spawnSync(process.execPath, [cli, "eval", join(runsDir, "backend-forced"), "--episodes", "1"], { encoding: "utf8", env: evalEnv });
  assert.equal(table.status, 0, table.stderr);
  assert.deepEqual(backendLines(table.stdout), ["backend: js — forced by MTRL_BACKEND"]);
  const json = spawnSync(process.execPath, [cli, "eval", join(runsDir, "backend-forced"), "--episodes", "1", "--json"], { encoding: "utf8", env: evalEnv });
  assert.equal(json.status, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { step: number }).step, 2);
  assert.deepEqual(backendLines(json.stderr), ["backend: js — forced by MTRL_BACKEND"]);
});
