import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsKernels } from "@mtrl/nn";
import { composeConfig } from "../config/compose.js";
import { CheckpointStore } from "./checkpoint.js";
import { train } from "./train.js";

test("replay holds the true final observation at a truncation and still bootstraps it (notDone = 1)", async () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-replay-contract-"));
  try {
    const { config } = composeConfig([
      "experiment=smoke",
      "experiment.totalSteps=210",
      "experiment.warmupSteps=210",
      "experiment.evalEvery=1000",
      "experiment.checkpointEvery=210",
      "agent.actor.trunk.hiddenSizes=[8]",
      "agent.critic.trunk.hiddenSizes=[8]",
      "agent.replay.capacity=2000",
      "env.numTasks=2",
    ]);
    const runDir = join(runsDir, "run");
    await train(config, { runDir, resume: false, kernels: new JsKernels() });
    const { replay } = new CheckpointStore(join(runDir, "checkpoints")).loadLatest()!;
    const size = replay.observationSize;
    const row = (array: Float32Array, index: number): number[] => Array.from(array.subarray(index * size, (index + 1) * size));
    for (let task = 0; task < 2; task++) {
      const first = task * replay.capacityPerTask;
      assert.equal(replay.sizes[task], 210);
      for (let t = 0; t < 209; t++) {
        // Pendulum never terminates: every transition bootstraps, truncated or not.
        assert.equal(replay.notDones[first + t], 1, `task ${task} step ${t}`);
        if (t === 199) continue;
        assert.deepEqual(row(replay.nextObservations, first + t), row(replay.observations, first + t + 1), `task ${task} step ${t} is not continuous`);
      }
      // Step 199 ended the episode by its time limit: next is the final state, not the reset one.
      const final = row(replay.nextObservations, first + 199);
      const resetStart = row(replay.observations, first + 200);
      assert.notDeepEqual(final, resetStart, `task ${task}: the reset observation was stored as the final one`);
      assert.ok(Math.abs(final[0]! ** 2 + final[1]! ** 2 - 1) < 1e-5, "the stored final observation is a pendulum state");
    }
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
