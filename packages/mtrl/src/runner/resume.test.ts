import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointWeights, cli, killAfterCheckpoint, runToEnd, tinyRunArgs } from "../testing/cli-runs.js";

function finalWeights(runDir: string): Buffer {
  return checkpointWeights(runDir, 90);
}

test("the same command twice gives identical metrics.jsonl and weight bytes; SIGKILLed or Ctrl-C-stopped runs resumed match both", { timeout: 240_000 }, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-resume-"));
  try {
    runToEnd(tinyRunArgs(runsDir, "first"));
    runToEnd(tinyRunArgs(runsDir, "second"));
    const first = join(runsDir, "first");
    const second = join(runsDir, "second");
    assert.ok(readFileSync(join(first, "metrics.jsonl")).equals(readFileSync(join(second, "metrics.jsonl"))), "metrics.jsonl differs between identical runs");
    assert.ok(finalWeights(first).equals(finalWeights(second)), "weights differ between identical runs");

    // Killed at different moments: just after a checkpoint, and in the middle of later steps.
    for (const [checkpoints, delayMs] of [[2, 0], [4, 37]] as const) {
      const name = `killed-${checkpoints}-${delayMs}`;
      const runDir = join(runsDir, name);
      const savedStep = await killAfterCheckpoint(tinyRunArgs(runsDir, name), runDir, checkpoints * 10, delayMs);
      assert.ok(savedStep < 90, `${name} finished before it was killed; the test must interrupt it`);
      runToEnd(["train", "--resume", runDir]);
      assert.ok(readFileSync(join(runDir, "metrics.jsonl")).equals(readFileSync(join(first, "metrics.jsonl"))), `metrics.jsonl of ${name} differs after resume`);
      assert.ok(finalWeights(runDir).equals(finalWeights(first)), `final weights of ${name} differ after resume`);
    }

    // Ctrl-C: the first SIGINT saves a checkpoint at the end of the step and exits with 130.
    const interruptedDir = join(runsDir, "interrupted");
    const child = spawn(process.execPath, [cli, ...tinyRunArgs(runsDir, "interrupted")], { stdio: "ignore", env: { ...process.env, MTRL_BACKEND: "js" } });
    const exitCode = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    while (!existsSync(join(interruptedDir, "checkpoints", "latest.json"))) await new Promise((wait) => setTimeout(wait, 5));
    child.kill("SIGINT");
    assert.equal(await exitCode, 130, "Ctrl-C should stop the run with exit code 130");
    const stoppedAt = (JSON.parse(readFileSync(join(interruptedDir, "checkpoints", "latest.json"), "utf8")) as { step: number }).step;
    assert.ok(stoppedAt < 90, `Ctrl-C should stop the run before its end, it reached step ${stoppedAt}`);
    runToEnd(["train", "--resume", interruptedDir]);
    assert.ok(finalWeights(interruptedDir).equals(finalWeights(first)), "final weights differ after Ctrl-C and resume");
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
