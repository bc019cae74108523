import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertTinyLatentModelRecipeReproducibleAndResumable } from "../testing/recipe-resume.js";

test("agent=deepmdp (probabilistic transitions) trains from the CLI on pixels, byte-identical per seed and after SIGKILL + resume", { timeout: 300_000 }, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-deepmdp-"));
  try {
    const rows = await assertTinyLatentModelRecipeReproducibleAndResumable(
      ["agent=deepmdp", "env=dmc-cartpole-swingup-pixels", "agent.auxiliary.transition.type=probabilistic"],
      runsDir,
      "deepmdp",
    );
    const trained = rows.filter((row) => row["kind"] === "train" && row["train/transition_loss"] !== undefined);
    assert.ok(trained.length > 0 && trained.every((row) => Number.isFinite(row["train/reward_loss"]) && Number.isFinite(row["train/ae_loss"])), "transition, reward and decoder losses are logged");
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
