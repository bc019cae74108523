import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeConfig } from "../config/compose.js";
import { checkpointWeights, killAfterCheckpoint, runToEnd } from "../testing/cli-runs.js";

/** The agent recipes of config/agent/ that compose multi-task components. */
const recipes = ["mtsac", "mtmhsac", "mtsac-task-encoder", "film", "moe", "care", "soft-modularization", "pcgrad", "gradnorm", "distral", "sac-pixels", "sac-ae"] as const;
const totalSteps = 60;

/**
 * Each recipe, shrunk to a unit-test size (its components unchanged) on MT-Pendulum's first two
 * tasks; pixel recipes on two copies of the DMC cart-pole from 16×16 pixels (2 conv layers of 4 filters).
 */
function tinyRecipeArgs(recipe: string, runsDir: string, runName: string): string[] {
  const { config } = composeConfig([`agent=${recipe}`]);
  const shrink = (network: "actor" | "critic"): string[] => {
    const trunk = config.agent[network].trunk;
    return trunk.type === "soft-modularization"
      ? [`agent.${network}.trunk.numLayers=2`, `agent.${network}.trunk.moduleSize=12`]
      : [`agent.${network}.trunk.hiddenSizes=[16,16]`];
  };
  return [
    "train",
    `agent=${recipe}`,
    "experiment=smoke",
    `experiment.runsDir=${runsDir}`,
    `experiment.runName=${runName}`,
    `experiment.totalSteps=${totalSteps}`,
    "experiment.warmupSteps=15",
    "experiment.evalEvery=30",
    "experiment.checkpointEvery=10",
    "experiment.logEvery=5",
    "agent.batchSize=16",
    "agent.replay.capacity=2000",
    "env.numTasks=2",
    ...shrink("actor"),
    ...shrink("critic"),
    ...(config.agent.encoder.type === "moe" ? ["agent.encoder.hiddenSizes=[8]", "agent.encoder.featureSize=8"] : []),
    ...(config.agent.distillation.type === "distral" ? ["agent.distillation.hiddenSizes=[16,16]", "agent.distillation.alpha=0.1"] : []),
    ...(config.agent.encoder.type === "pixel"
      ? ["env=dmc-cartpole-swingup-pixels", "env.numTasks=2", "env.kwargs.width=16", "env.kwargs.height=16", "agent.encoder.numLayers=2", "agent.encoder.numFilters=4"]
      : []),
    ...(config.agent.auxiliary.type === "sac-ae" ? ["agent.auxiliary.numLayers=2", "agent.auxiliary.numFilters=4"] : []),
  ];
}

describe("every recipe trains from the CLI reproducibly and resumes exactly", { timeout: 600_000 }, () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-recipes-"));
  test.after(() => rmSync(runsDir, { recursive: true, force: true }));
  for (const recipe of recipes) {
    test(recipe, async () => {
      const first = join(runsDir, `${recipe}-first`);
      const second = join(runsDir, `${recipe}-second`);
      const killed = join(runsDir, `${recipe}-killed`);
      runToEnd(tinyRecipeArgs(recipe, runsDir, `${recipe}-first`), "wasm");
      runToEnd(tinyRecipeArgs(recipe, runsDir, `${recipe}-second`), "wasm");
      const metrics = readFileSync(join(first, "metrics.jsonl"));
      assert.ok(metrics.equals(readFileSync(join(second, "metrics.jsonl"))), `${recipe}: metrics.jsonl differs between two runs with the same seed`);
      assert.ok(checkpointWeights(first, totalSteps).equals(checkpointWeights(second, totalSteps)), `${recipe}: weights differ between two runs with the same seed`);
      const savedStep = await killAfterCheckpoint(tinyRecipeArgs(recipe, runsDir, `${recipe}-killed`), killed, 30, 11, "wasm");
      assert.ok(savedStep < totalSteps, `${recipe}: the run finished before it was killed; the test must interrupt it`);
      runToEnd(["train", "--resume", killed], "wasm");
      assert.ok(readFileSync(join(killed, "metrics.jsonl")).equals(metrics), `${recipe}: metrics.jsonl differs after SIGKILL and resume`);
      assert.ok(checkpointWeights(killed, totalSteps).equals(checkpointWeights(first, totalSteps)), `${recipe}: final weights differ after SIGKILL and resume`);
    });
  }
});
