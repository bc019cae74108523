import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadKernels } from "@mtrl/nn";
import { assertTinyLatentModelRecipeReproducibleAndResumable, tinyLatentModelTotalSteps } from "../testing/recipe-resume.js";
import { evaluateRun } from "./evaluate.js";

test("agent=hipbmdp on a HiP-BMDP family with env.split trains from the CLI, evaluates every split, byte-identical per seed and after SIGKILL + resume", { timeout: 300_000 }, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-hipbmdp-"));
  try {
    const rows = await assertTinyLatentModelRecipeReproducibleAndResumable(
      ["agent=hipbmdp", "env=hipbmdp-finger-spin", "agent.auxiliary.thetaEmbeddingSize=4", "agent.auxiliary.thetaSize=4"],
      runsDir,
      "hipbmdp",
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
    assert.equal(evaluated.step, tinyLatentModelTotalSteps);
    for (const key of keys) assert.equal(evaluated.metrics[key] ?? (key === "eval/mean_return" ? evaluated.meanReturn : undefined), evaluation[key], key);
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
