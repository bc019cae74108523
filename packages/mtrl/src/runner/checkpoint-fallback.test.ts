import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointWeights, cli, runToEnd, tinyRunArgs } from "../testing/cli-runs.js";

/** `mtrl train --resume <runDir>` on the js backend; its exit code and stderr. */
function resume(runDir: string): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [cli, "train", "--resume", runDir], { encoding: "utf8", env: { ...process.env, MTRL_BACKEND: "js" } });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0xff;
  writeFileSync(path, bytes);
}

test("mtrl train --resume with a damaged newest checkpoint warns with the file's path, resumes from the previous one, and ends byte-identical to an uninterrupted run", { timeout: 240_000 }, () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-fallback-"));
  try {
    runToEnd(tinyRunArgs(runsDir, "uninterrupted"));
    const uninterrupted = join(runsDir, "uninterrupted");
    const weights = checkpointWeights(uninterrupted, 90);
    const metrics = readFileSync(join(uninterrupted, "metrics.jsonl"));
    const newest = (runDir: string): string => join(runDir, "checkpoints", "step-00000090");
    const state = JSON.parse(readFileSync(join(newest(uninterrupted), "state.json"), "utf8")) as { replay: { files: Record<string, string> } };
    const previousState = JSON.parse(readFileSync(join(uninterrupted, "checkpoints", "step-00000080", "state.json"), "utf8")) as { replay: { files: Record<string, string> } };
    const previousChunks = new Set(Object.values(previousState.replay.files));
    const newestOnlyChunk = Object.values(state.replay.files).find((name) => !previousChunks.has(name));
    assert.ok(newestOnlyChunk !== undefined, "the newest checkpoint should write a replay chunk of its own");

    const damages: Array<[string, (runDir: string) => string]> = [
      ["truncated agent", (runDir) => {
        const path = join(newest(runDir), "agent.safetensors");
        truncateSync(path, statSync(path).size - 1000); // a disk that filled up mid-write
        return path;
      }],
      ["flipped byte in agent", (runDir) => {
        const path = join(newest(runDir), "agent.safetensors");
        flipByte(path, statSync(path).size - 7);
        return path;
      }],
      ["flipped byte in a replay chunk", (runDir) => {
        const path = join(runDir, "checkpoints", "replay", newestOnlyChunk);
        flipByte(path, 12);
        return path;
      }],
    ];
    for (const [name, damage] of damages) {
      const runDir = join(runsDir, name.replaceAll(" ", "-"));
      cpSync(uninterrupted, runDir, { recursive: true });
      const damagedPath = damage(runDir);
      const result = resume(runDir);
      assert.equal(result.status, 0, `${name}: resume failed:\n${result.stdout}\n${result.stderr}`);
      const warnings = result.stderr.split("\n").filter((line) => line.startsWith("warning:"));
      assert.equal(warnings.length, 1, `${name}: expected one warning, stderr was:\n${result.stderr}`);
      assert.ok(warnings[0]!.includes(damagedPath), `${name}: the warning does not name ${damagedPath}:\n${warnings[0]}`);
      assert.ok(warnings[0]!.includes(`Resuming from ${join(runDir, "checkpoints", "step-00000080")} (step 80)`), `${name}: ${warnings[0]}`);
      assert.ok(checkpointWeights(runDir, 90).equals(weights), `${name}: final weights differ from the uninterrupted run's`);
      assert.ok(readFileSync(join(runDir, "metrics.jsonl")).equals(metrics), `${name}: metrics.jsonl differs from the uninterrupted run's`);
    }

    // Nothing intact: the run stops with an error that names every damaged file.
    const hopeless = join(runsDir, "hopeless");
    cpSync(uninterrupted, hopeless, { recursive: true });
    const newestAgent = join(newest(hopeless), "agent.safetensors");
    const olderAgent = join(hopeless, "checkpoints", "step-00000080", "agent.safetensors");
    truncateSync(newestAgent, 0);
    flipByte(olderAgent, 100);
    const result = resume(hopeless);
    assert.equal(result.status, 1, `a run without an intact checkpoint should fail:\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /error: No intact checkpoint in /);
    assert.ok(result.stderr.includes(newestAgent) && result.stderr.includes(olderAgent), result.stderr);
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
