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
function train(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, "train", ...args], { encoding: "utf8", timeout: 120_000 });
}

test("resuming a finished run says it is already complete and prints no rate", () => {
  const budget = ["experiment=smoke", "totalSteps=2", "warmupSteps=2", "evalEvery=2", "evalEpisodes=1", "checkpointEvery=2", "logEvery=2"];
  const first = train([...budget, `runsDir=${runsDir}`, "runName=finished"]);
  assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
  assert.match(first.stdout, /^2 steps, \d+ env steps\/s, backend \w+$/m);

  const resumed = train(["--resume", join(runsDir, "finished")]);
  assert.equal(resumed.status, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.match(resumed.stdout, /^\[mtrl\] already complete: 2\/2 steps, nothing left to train$/m);
  assert.match(resumed.stdout, /^2\/2 steps \(already complete, nothing trained\), backend \w+$/m);
  assert.doesNotMatch(resumed.stdout, /steps\/s/, `no rate for a session that trained no step:\n${resumed.stdout}`);
});
