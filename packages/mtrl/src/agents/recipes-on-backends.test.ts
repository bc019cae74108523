import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "@mtrl/mtenv";
import { createKernels, type BackendName, type Kernels } from "@mtrl/nn";
import { composeConfig } from "../config/compose.js";
import type { MTSACConfig } from "../config/schema.js";
import type { ReplayBatch } from "../replay/replay-buffer.js";
import { MTSACAgent } from "./mtsac-agent.js";

const recipes = ["mtsac", "mtmhsac", "mtsac-task-encoder", "film", "moe", "care", "soft-modularization", "pcgrad", "gradnorm", "distral"];
const dimensions = { observationSize: 5, actionSize: 2, numTasks: 3 };
const tasks = { names: ["a", "b", "c"], descriptions: ["Reach a goal.", "Push a puck.", "Open a door."] };

function batch(size: number): ReplayBatch {
  const rng = Rng.fromSeed(1, "batch");
  return {
    size,
    observations: rng.fillUniform(new Float32Array(size * 5), -1, 1),
    actions: rng.fillUniform(new Float32Array(size * 2), -1, 1),
    rewards: rng.fillUniform(new Float32Array(size), -1, 1),
    nextObservations: rng.fillUniform(new Float32Array(size * 5), -1, 1),
    notDones: new Float32Array(size).fill(1),
    taskIndices: Int32Array.from({ length: size }, (_, i) => i % 3),
  };
}

function smallConfig(recipe: string): MTSACConfig {
  const { config } = composeConfig([`agent=${recipe}`]);
  const agent = config.agent;
  const shrink = (trunk: MTSACConfig["actor"]["trunk"]): MTSACConfig["actor"]["trunk"] =>
    trunk.type === "soft-modularization" ? { ...trunk, numLayers: 2, moduleSize: 16 } : { ...trunk, hiddenSizes: [24, 24] };
  const distillation = agent.distillation.type === "distral" ? { ...agent.distillation, hiddenSizes: [24, 24], alpha: 0.1 } : agent.distillation;
  return { ...agent, batchSize: 32, actor: { ...agent.actor, trunk: shrink(agent.actor.trunk) }, critic: { ...agent.critic, trunk: shrink(agent.critic.trunk) }, distillation };
}

/** Losses of 5 updates followed by the deterministic actions of one observation per task. */
function trajectory(recipe: string, kernels: Kernels): number[] {
  const agent = new MTSACAgent(smallConfig(recipe), dimensions, kernels, 4, tasks);
  const data = batch(32);
  const values: number[] = [];
  for (let u = 0; u < 5; u++) {
    const metrics = agent.update(data, u);
    values.push(metrics["train/critic_loss"]!, metrics["train/actor_loss"]!);
  }
  const actions = new Float32Array(6);
  agent.act(data.observations.subarray(0, 15), Int32Array.of(0, 1, 2), true, actions);
  return [...values, ...actions];
}

test("every recipe gives the same updates on every backend (within float32 rounding)", async () => {
  const backends: Array<[BackendName, Kernels]> = [];
  for (const name of ["js", "wasm", "native"] as const) {
    try {
      const kernels = await createKernels({ backend: name, env: {} });
      if (kernels.name === name) backends.push([name, kernels]);
    } catch {
      // The native backend is optional (no compiler or BLAS): js and wasm are always there.
    }
  }
  assert.ok(backends.length >= 2, "js and wasm must be available");
  for (const recipe of recipes) {
    const reference = trajectory(recipe, backends[0]![1]);
    assert.ok(reference.every(Number.isFinite), `${recipe}: non-finite values on js`);
    for (const [name, kernels] of backends.slice(1)) {
      const values = trajectory(recipe, kernels);
      values.forEach((value, i) => {
        assert.ok(Math.abs(value - reference[i]!) <= 2e-3 * (1 + Math.abs(reference[i]!)), `${recipe} on ${name}: value ${i} is ${value}, js gives ${reference[i]}`);
      });
    }
  }
  for (const [, kernels] of backends) (kernels as { close?: () => void }).close?.();
});
