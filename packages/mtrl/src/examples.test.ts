import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The README's snippets are these files; running them keeps the README true. */
const root = resolve(import.meta.dirname, "../../..");

function runExample(path: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, path), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, MTRL_BACKEND: "wasm" } });
  assert.equal(result.status, 0, `${path} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

test("the mtenv quick start runs (multi-task env, parallel vector env, MuJoCo pixels)", () => {
  const output = runExample("packages/mtenv/examples/quick-start.ts");
  assert.match(output, /vector env observations 12/);
  assert.match(output, /cheetah pixel observation size 63504/);
});

test("training from code writes a run and evaluates every task", () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-example-"));
  try {
    const output = runExample("packages/mtrl/examples/train-from-code.ts", runsDir);
    const result = JSON.parse(output.trim().split("\n").at(-1)!) as { steps: number; finalEval: Record<string, number> };
    assert.equal(result.steps, 300);
    assert.deepEqual(Object.keys(result.finalEval).sort(), ["eval/return/task0", "eval/return/task1", "eval/return/task2", "eval/return/task3"]);
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});

test("composing components from code: CARE with a multi-head actor updates and routes per task", () => {
  const output = runExample("packages/mtrl/examples/compose-components.ts");
  assert.match(output, /Swing up and balance a pendulum of mass/);
  assert.match(output, /"train\/critic_loss":/);
  const weights = JSON.parse(/routing weights per task: (.*)/.exec(output)![1]!) as number[][];
  assert.equal(weights.length, 4);
  for (const row of weights) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 0.01);
  assert.match(output, /encoders available: identity, mlp, moe/);
});
