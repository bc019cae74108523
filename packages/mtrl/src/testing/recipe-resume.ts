import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkpointWeights, killAfterCheckpoint, runToEnd } from "./cli-runs.js";

/**
 * Trains `mtrl train <args> experiment.runName=<name>-first` to the end, then the same run again
 * SIGKILLed after its checkpoint at `killStep` and resumed with `--resume`, and asserts that the two
 * end with the same metrics.jsonl bytes and the same final weights. The second run is a second run
 * of the same seed, so this pins reproducibility per seed and an exact resume at once. Returns the
 * first run's metrics.jsonl rows.
 */
export async function assertReproducibleAndResumable(args: readonly string[], runsDir: string, name: string, totalSteps: number, killStep: number): Promise<Record<string, unknown>[]> {
  const first = join(runsDir, `${name}-first`);
  const killed = join(runsDir, `${name}-killed`);
  runToEnd(["train", ...args, `experiment.runsDir=${runsDir}`, `experiment.runName=${name}-first`], "wasm");
  const savedStep = await killAfterCheckpoint(["train", ...args, `experiment.runsDir=${runsDir}`, `experiment.runName=${name}-killed`], killed, killStep, 11, "wasm");
  assert.ok(savedStep < totalSteps, `${name}: the run finished before it was killed; the test must interrupt it`);
  runToEnd(["train", "--resume", killed], "wasm");
  const metrics = readFileSync(join(first, "metrics.jsonl"));
  assert.ok(readFileSync(join(killed, "metrics.jsonl")).equals(metrics), `${name}: metrics.jsonl differs between a run and the same seed killed at step ${savedStep} and resumed`);
  assert.ok(checkpointWeights(killed, totalSteps).equals(checkpointWeights(first, totalSteps)), `${name}: final weights differ after SIGKILL and resume`);
  return metrics.toString("utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
}
