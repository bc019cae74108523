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

/** How many environment steps the tiny latent-model recipe runs take. */
export const tinyLatentModelTotalSteps = 40;

/**
 * Runs a pixel latent-model recipe (`agent=deepmdp`, `agent=hipbmdp`) through
 * assertReproducibleAndResumable at a size a unit test can afford: 16×16 frames, two-layer
 * four-filter encoder and decoder, 16-wide networks, 40 steps after a warm-up of 4. `recipeArgs`
 * names the agent and env and adds what only that recipe needs. Returns the first run's
 * metrics.jsonl rows; the first run's folder is `<runsDir>/<name>-first`.
 */
export function assertTinyLatentModelRecipeReproducibleAndResumable(recipeArgs: readonly string[], runsDir: string, name: string): Promise<Record<string, unknown>[]> {
  const args = [
    ...recipeArgs,
    "experiment=smoke",
    `experiment.totalSteps=${tinyLatentModelTotalSteps}`,
    "experiment.warmupSteps=4",
    `experiment.evalEvery=${tinyLatentModelTotalSteps}`,
    "experiment.checkpointEvery=4",
    "experiment.logEvery=4",
    "agent.batchSize=8",
    "agent.replay.capacity=200",
    // 20-step episodes (action repeat 50) at 16×16 keep evaluation short; training still crosses an episode's end.
    "env.kwargs.width=16",
    "env.kwargs.height=16",
    "env.kwargs.frameSkip=50",
    "agent.encoder.numLayers=2",
    "agent.encoder.numFilters=4",
    "agent.auxiliary.numLayers=2",
    "agent.auxiliary.numFilters=4",
    "agent.auxiliary.transition.layerWidth=16",
    "agent.auxiliary.rewardWidth=16",
    "agent.actor.trunk.hiddenSizes=[16]",
    "agent.critic.trunk.hiddenSizes=[16]",
  ];
  // Killed after its step-8 checkpoint (4 update steps in), so the 32 steps left cannot finish before the kill lands.
  return assertReproducibleAndResumable(args, runsDir, name, tinyLatentModelTotalSteps, 8);
}
