import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertReproducibleAndResumable } from "../testing/recipe-resume.js";

const totalSteps = 40;

test("agent=deepmdp (probabilistic transitions) trains from the CLI on pixels, byte-identical per seed and after SIGKILL + resume", { timeout: 300_000 }, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-deepmdp-"));
  try {
    const rows = await assertReproducibleAndResumable(
      [
        "agent=deepmdp",
        "env=dmc-cartpole-swingup-pixels",
        "experiment=smoke",
        `experiment.totalSteps=${totalSteps}`,
        "experiment.warmupSteps=4",
        `experiment.evalEvery=${totalSteps}`,
        "experiment.checkpointEvery=4",
        "experiment.logEvery=4",
        "agent.batchSize=8",
        "agent.replay.capacity=200",
        // 20-step episodes (action repeat 50): training crosses an episode's end, evaluation is short.
        "env.kwargs.width=16",
        "env.kwargs.height=16",
        "env.kwargs.frameSkip=50",
        "agent.encoder.numLayers=2",
        "agent.encoder.numFilters=4",
        "agent.auxiliary.numLayers=2",
        "agent.auxiliary.numFilters=4",
        "agent.auxiliary.transition.type=probabilistic",
        "agent.auxiliary.transition.layerWidth=16",
        "agent.auxiliary.rewardWidth=16",
        "agent.actor.trunk.hiddenSizes=[16]",
        "agent.critic.trunk.hiddenSizes=[16]",
      ],
      runsDir,
      "deepmdp",
      totalSteps,
      // Killed early (after 4 update steps), so that the 32 steps left cannot finish before the kill lands.
      8,
    );
    const trained = rows.filter((row) => row["kind"] === "train" && row["train/transition_loss"] !== undefined);
    assert.ok(trained.length > 0 && trained.every((row) => Number.isFinite(row["train/reward_loss"]) && Number.isFinite(row["train/ae_loss"])), "transition, reward and decoder losses are logged");
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
