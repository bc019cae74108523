import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/mtenv";
import { JsKernels } from "@mtrl/nn";
import type { MTSACConfig } from "../config/schema.js";
import type { ReplayBatch } from "../replay/replay-buffer.js";
import { MTSACAgent } from "./mtsac-agent.js";

/** Every trainable kind of component at once, small: what each loss may move is pinned below. */
const config: MTSACConfig = {
  type: "mtsac",
  discount: 0.9,
  batchSize: 12,
  initScheme: "uniform",
  taskEncoder: { type: "learned", embeddingSize: 4, hiddenSizes: [6], outputSize: 5, lr: 1e-3, betas: [0.9, 0.999] },
  encoder: { type: "moe", numExperts: 3, routing: "attention", topK: 2, clusters: null, scoreHiddenSizes: [6], hiddenSizes: [6], featureSize: 4 },
  actor: { trunk: { type: "film", hiddenSizes: [8, 8] }, head: "multi-head", logStdBounds: [-20, 2], lr: 1e-3, betas: [0.9, 0.999], updateEvery: 1, encoderHead: "shared" },
  critic: { trunk: { type: "soft-modularization", numLayers: 2, numModules: 2, moduleSize: 6 }, head: "multi-head", lr: 1e-3, betas: [0.9, 0.999], tau: 0.005, encoderTau: 0.05, targetUpdateEvery: 1 },
  gradient: { type: "plain" },
  distillation: { type: "none" },
  auxiliary: { type: "none" },
  alpha: { type: "per-task", initTemperature: 0.1, lr: 1e-3, betas: [0.9, 0.999], targetEntropy: { type: "auto" } },
  replay: { capacity: 100, sampling: "uniform", observations: "auto" },
};
const dimensions = { observationSize: 4, actionSize: 2, numTasks: 3 };

function batch(): ReplayBatch {
  const rng = Rng.fromSeed(2, "batch");
  return {
    size: 12,
    observations: rng.fillUniform(new Float32Array(48), -1, 1),
    actions: rng.fillUniform(new Float32Array(24), -1, 1),
    rewards: rng.fillUniform(new Float32Array(12), -1, 1),
    nextObservations: rng.fillUniform(new Float32Array(48), -1, 1),
    notDones: new Float32Array(12).fill(1),
    taskIndices: Int32Array.from({ length: 12 }, (_, i) => i % 3),
  };
}

/** Top-level prefixes ("critic.encoder", "actor", ...) of the weights that changed. */
function changedPrefixes(agent: MTSACAgent, step: () => void): string[] {
  const before = agent.getState().tensors;
  step();
  const changed = new Set<string>();
  for (const [name, tensor] of agent.getState().tensors) {
    if (name.startsWith("optimizer.")) continue;
    const old = before.get(name)!.data;
    if (tensor.data.some((value, i) => value !== old[i])) changed.add(name.split(".").slice(0, name.startsWith("critic.") ? 2 : 1).join("."));
  }
  return [...changed].sort();
}

describe("what each loss trains (MT-SAC composed of components)", () => {
  test("targets start as exact copies of the online critic", () => {
    const agent = new MTSACAgent(config, dimensions, new JsKernels(), 3);
    const tensors = agent.getState().tensors;
    let compared = 0;
    for (const [name, tensor] of tensors) {
      if (!name.startsWith("criticTarget.")) continue;
      assert.deepEqual(tensor.data, tensors.get(`critic.${name.slice("criticTarget.".length)}`)!.data, name);
      compared++;
    }
    assert.ok(compared > 10);
  });

  test("the critic loss moves the critic's encoder and Q networks and the task encoder, nothing else", () => {
    const agent = new MTSACAgent(config, dimensions, new JsKernels(), 3);
    assert.deepEqual(changedPrefixes(agent, () => agent.updateCritic(batch())), ["critic.encoder", "critic.q1", "critic.q2", "taskEncoder"]);
  });

  test("the actor loss moves the actor only", () => {
    const agent = new MTSACAgent(config, dimensions, new JsKernels(), 3);
    assert.deepEqual(changedPrefixes(agent, () => agent.updateActor(batch())), ["actor"]);
  });

  test("the target encoder tracks with the encoder τ, the target Q networks with the critic τ", () => {
    const agent = new MTSACAgent(config, dimensions, new JsKernels(), 3);
    agent.critic.params.flat().values.fill(1);
    agent.criticTarget.params.flat().values.fill(0);
    agent.table.updateTargets();
    const target = agent.criticTarget.params;
    for (const tensor of target.child("encoder").tensors) {
      // The routing table of fixed routings is frozen; attention routing has none.
      assert.ok(tensor.data.every((value) => Math.abs(value - 0.05) < 1e-7), `${tensor.name} should be 0.05`);
    }
    for (const tensor of [...target.child("q1").tensors, ...target.child("q2").tensors]) {
      assert.ok(tensor.data.every((value) => Math.abs(value - 0.005) < 1e-7), `${tensor.name} should be 0.005`);
    }
  });
});
