import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsKernels } from "@mtrl/nn";
import { composeConfig } from "../config/compose.js";
import { CheckpointStore } from "./checkpoint.js";
import type { ProgressEvent } from "./progress-event.js";
import { train } from "./train.js";

const overrides = [
  "experiment=smoke",
  "experiment.totalSteps=30",
  "experiment.warmupSteps=12",
  "experiment.evalEvery=1000",
  "experiment.checkpointEvery=30",
  "agent.batchSize=8",
  "agent.actor.trunk.hiddenSizes=[8]",
  "agent.critic.trunk.hiddenSizes=[8]",
];

async function run(runsDir: string, name: string, burst: boolean): Promise<{ events: ProgressEvent[]; updateIndex: number; weights: Buffer }> {
  const { config } = composeConfig([...overrides, `experiment.warmupBurst=${burst}`]);
  const runDir = join(runsDir, name);
  const events: ProgressEvent[] = [];
  await train(config, { runDir, resume: false, kernels: new JsKernels(), onProgress: (event) => events.push(event) });
  const latest = new CheckpointStore(join(runDir, "checkpoints")).loadLatest()!;
  return { events, updateIndex: latest.trainer.updateIndex, weights: readFileSync(join(runDir, "checkpoints", "step-00000030", "agent.safetensors")) };
}

test("experiment.warmupBurst: the step after warm-up makes warmupSteps updates under one update index, as the references", { timeout: 120_000 }, async () => {
  const runsDir = mkdtempSync(join(tmpdir(), "mtrl-warmup-burst-"));
  try {
    const plain = await run(runsDir, "plain", false);
    const burst = await run(runsDir, "burst", true);
    assert.equal(plain.events.filter((event) => event.kind === "burst").length, 0);
    const bursts = burst.events.filter((event) => event.kind === "burst");
    assert.deepEqual(bursts.map((event) => [event.step, event.done, event.total]), Array.from({ length: 12 }, (_, i) => [12, i + 1, 12]));
    // Steps 12..29 update: plain once each (18 indices); the burst step uses one index for its 12.
    assert.equal(plain.updateIndex, 18);
    assert.equal(burst.updateIndex, 18);
    assert.ok(!plain.weights.equals(burst.weights), "the burst's extra updates should change the weights");
    const again = await run(runsDir, "burst-again", true);
    assert.ok(again.weights.equals(burst.weights), "a burst run is deterministic per seed");
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
});
