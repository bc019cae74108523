import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadKernels } from "@mtrl/nn";
import { assertReproducibleAndResumable } from "../testing/recipe-resume.js";
import { evaluateRun } from "./evaluate.js";

const totalSteps = 40;

test("agent=hipbmdp on a HiP-BMDP family with env.split trains from the CLI, evaluates every split, byte-identical per seed and after SIGKILL + resume", { timeout: 300_000 }, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-hipbmdp-"));
  try {
    const rows = await assertReproducibleAndResumable(
      [
        "agent=hipbmdp",
        "env=hipbmdp-finger-spin",
        "experiment=smoke",
        `experiment.totalSteps=${totalSteps}`,
        "experiment.warmupSteps=4",
        `experiment.evalEvery=${totalSteps}`,
        "experiment.checkpointEvery=4",
        "experiment.logEvery=4",
        "agent.batchSize=8",
        "agent.replay.capacity=200",
        // 20-step episodes (action repeat 50) at 16×16 keep the eight evaluation episodes short;
        // training still crosses an episode's end.
        "env.kwargs.width=16",
        "env.kwargs.height=16",
        "env.kwargs.frameSkip=50",
        "agent.encoder.numLayers=2",
        "agent.encoder.numFilters=4",
        "agent.auxiliary.numLayers=2",
        "agent.auxiliary.numFilters=4",
        "agent.auxiliary.transition.layerWidth=16",
        "agent.auxiliary.rewardWidth=16",
        "agent.auxiliary.thetaEmbeddingSize=4",
        "agent.auxiliary.thetaSize=4",
        "agent.actor.trunk.hiddenSizes=[16]",
        "agent.critic.trunk.hiddenSizes=[16]",
      ],
      runsDir,
      "hipbmdp",
      totalSteps,
      // Killed early (after 4 update steps), so that the 32 steps left cannot finish before the kill lands.
      8,
    );
    const evaluation = rows.find((row) => row["kind"] === "eval")!;
    const keys = Object.keys(evaluation).filter((key) => key.startsWith("eval/")).sort();
    assert.deepEqual(keys, [
      "eval/extrapolation/mean_return", "eval/extrapolation/return/variant1", "eval/extrapolation/return/variant8",
      "eval/interpolation/mean_return", "eval/interpolation/return/variant4", "eval/interpolation/return/variant5",
      "eval/mean_return", "eval/return/variant2", "eval/return/variant3", "eval/return/variant6", "eval/return/variant7",
    ]);
    assert.ok(rows.some((row) => Number.isFinite(row["train/contrastive_loss"])), "the contrastive loss is logged");
    // `mtrl eval` of the run evaluates the held-out groups too, with the same seeds as training's last evaluation.
    const evaluated = await evaluateRun(join(runsDir, "hipbmdp-first"), { kernels: await loadKernels({ backend: "wasm" }) });
    assert.equal(evaluated.step, totalSteps);
    for (const key of keys) assert.equal(evaluated.metrics[key] ?? (key === "eval/mean_return" ? evaluated.meanReturn : undefined), evaluation[key], key);
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
