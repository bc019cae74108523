import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { main } from "../cli/main.js";

/** Test helpers that run the real CLI (`bin/mtrl.js`) in child processes, as a user would. */

export const cli = resolve(import.meta.dirname, "../../bin/mtrl.js");

/** Runs `mtrl <args>` to the end on `backend` and fails the test with its output unless it exits 0. */
export function runToEnd(args: readonly string[], backend = "js"): void {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, MTRL_BACKEND: backend } });
  assert.equal(result.status, 0, `mtrl ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
}

/** The step of the run's latest checkpoint (0 when it has none yet). */
export function latestCheckpointStep(runDir: string): number {
  const latest = join(runDir, "checkpoints", "latest.json");
  return existsSync(latest) ? (JSON.parse(readFileSync(latest, "utf8")) as { step: number }).step : 0;
}

/**
 * Starts a run and SIGKILLs it `delayMs` after its latest checkpoint reaches `step`; returns the
 * step of the checkpoint it left behind.
 */
export async function killAfterCheckpoint(args: readonly string[], runDir: string, step: number, delayMs: number, backend = "js"): Promise<number> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: "ignore", env: { ...process.env, MTRL_BACKEND: backend } });
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const deadline = Date.now() + 120_000;
  while (latestCheckpointStep(runDir) < step && child.exitCode === null) {
    if (Date.now() > deadline) throw new Error("the run never wrote its checkpoints");
    await new Promise((wait) => setTimeout(wait, 5));
  }
  await new Promise((wait) => setTimeout(wait, delayMs));
  const killed = child.kill("SIGKILL");
  await exited;
  assert.ok(killed, "the run could not be killed");
  return latestCheckpointStep(runDir);
}

/** The weights file of the run's checkpoint at `step`. */
export function checkpointWeights(runDir: string, step: number): Buffer {
  return readFileSync(join(runDir, "checkpoints", `step-${String(step).padStart(8, "0")}`, "agent.safetensors"));
}

/** A 90-step run small enough for a unit test that still crosses warm-up, updates, evals and a checkpoint every 10 steps. */
export function tinyRunArgs(runsDir: string, runName: string): string[] {
  return [
    "train",
    "experiment=smoke",
    `experiment.runsDir=${runsDir}`,
    `experiment.runName=${runName}`,
    "experiment.totalSteps=90",
    "experiment.warmupSteps=20",
    "experiment.evalEvery=45",
    "experiment.checkpointEvery=10",
    "experiment.logEvery=5",
    "agent.batchSize=16",
    "agent.actor.trunk.hiddenSizes=[16,16]",
    "agent.critic.trunk.hiddenSizes=[16,16]",
    "agent.replay.capacity=4000",
    "env.numTasks=2",
  ];
}

/** Runs the CLI's `main` in this process with its output captured (for cases that need no fresh process). */
export async function runMain(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(String(chunk));
        callback();
      },
    });
  const status = await main(args, { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)) });
  return { status, stdout, stderr };
}
