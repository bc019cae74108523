import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "@mtrl/core";
import { JsKernels } from "@mtrl/nn";
import { randomBatch } from "../../bench/bench-helpers.js";
import type { MTSACConfig } from "../config/schema.js";
import { config, dimensions, filledBuffer, train } from "../testing/small-mtsac.js";
import { MTSACAgent } from "./mtsac-agent.js";

const variants: Record<string, MTSACConfig> = {
  pcgrad: { ...config, gradient: { type: "pcgrad", combine: "mean" } },
  "pcgrad (sum, multi-head)": { ...config, gradient: { type: "pcgrad", combine: "sum" }, actor: { ...config.actor, head: "multi-head" }, critic: { ...config.critic, head: "multi-head" } },
  gradnorm: { ...config, gradient: { type: "gradnorm", alpha: 1, lr: 1e-3, betas: [0.9, 0.999], lossBaseline: "previous" } },
  distral: {
    ...config,
    distillation: { type: "distral", alpha: 0.1, beta: 1, distillationWeight: 1, evaluationPolicy: "task", hiddenSizes: [32, 32], lr: 1e-3, betas: [0.9, 0.999] },
  },
};

describe("gradient surgery and Distral inside MT-SAC", () => {
  for (const [name, variant] of Object.entries(variants)) {
    test(`${name}: learns a different best action per task (one-step bandit)`, () => {
      const agent = new MTSACAgent(variant, dimensions, new JsKernels(), 7);
      const metrics = train(agent, filledBuffer(), 400);
      for (const [key, value] of Object.entries(metrics)) assert.ok(Number.isFinite(value), `${key} = ${value}`);
      const out = new Float32Array(4);
      agent.act(Float32Array.of(0.1, 0.2, 0.3, 0.1, 0.2, 0.3), Int32Array.of(0, 1), true, out);
      assert.ok(out[0]! > 0.5 && out[1]! > 0.5, `task 0 should push +1, got ${Array.from(out.subarray(0, 2))}`);
      assert.ok(out[2]! < -0.5 && out[3]! < -0.5, `task 1 should push −1, got ${Array.from(out.subarray(2, 4))}`);
    });

    test(`${name}: a state round trip continues bit-identically`, () => {
      const kernels = new JsKernels();
      const buffer = filledBuffer();
      const agent = new MTSACAgent(variant, dimensions, kernels, 3);
      train(agent, buffer, 20);
      const resumed = new MTSACAgent(variant, dimensions, kernels, 99);
      resumed.setState(agent.getState());
      const next = train(agent, buffer, 5, 5);
      assert.deepEqual(train(resumed, buffer, 5, 5), next);
      assert.deepEqual(resumed.getState().tensors, agent.getState().tensors);
    });
  }

  test("GradNorm logs a weight per task for the critic and the actor, summing to the number of tasks", () => {
    const metrics = train(new MTSACAgent(variants["gradnorm"]!, dimensions, new JsKernels(), 7), filledBuffer(), 30);
    for (const update of ["critic", "actor"]) {
      const weights = [metrics[`train/${update}_gradnorm_weight/task0`]!, metrics[`train/${update}_gradnorm_weight/task1`]!];
      assert.ok(Math.abs(weights[0]! + weights[1]! - 2) < 1e-5, `${update} weights ${weights}`);
      assert.notEqual(weights[0], 1, `${update} weights should have moved`);
    }
  });

  test("Distral: the shared policy acts at evaluation (it cannot tell the tasks apart), the task policies when configured", () => {
    const shared = { ...variants["distral"]!, distillation: { ...(variants["distral"]!.distillation as object), evaluationPolicy: "shared" } } as MTSACConfig;
    const agent = new MTSACAgent(shared, dimensions, new JsKernels(), 7);
    const metrics = train(agent, filledBuffer(), 400);
    assert.ok(Number.isFinite(metrics["train/distillation_loss"]), `distillation loss ${metrics["train/distillation_loss"]}`);
    const observations = Float32Array.of(0.1, 0.2, 0.3, 0.1, 0.2, 0.3);
    const out = new Float32Array(4);
    agent.act(observations, Int32Array.of(0, 1), true, out);
    assert.deepEqual(Array.from(out.subarray(0, 2)), Array.from(out.subarray(2, 4)), "the shared policy sees the observation only");
    // The same weights evaluated with the task policies tell the tasks apart.
    const byTask = new MTSACAgent(variants["distral"]!, dimensions, new JsKernels(), 7);
    byTask.setState(agent.getState());
    byTask.act(observations, Int32Array.of(0, 1), true, out);
    assert.ok(out[0]! > 0.5 && out[2]! < -0.5, `the task policies should push task 0 to +1 and task 1 to −1, got ${Array.from(out)}`);
  });

  test("per-task gradients of 10 tasks leave the arena unchanged after warm-up", () => {
    const tenTasks = { observationSize: 39, actionSize: 4, numTasks: 10 };
    for (const variant of [variants["pcgrad"]!, variants["gradnorm"]!]) {
      const agent = new MTSACAgent({ ...variant, batchSize: 64 }, tenTasks, new JsKernels(), 1);
      const batch = randomBatch(64, 2);
      for (let u = 0; u < 3; u++) agent.update(batch, u);
      const warm = agent.engine.arena.stats();
      for (let u = 3; u < 13; u++) agent.update(batch, u);
      const after = agent.engine.arena.stats();
      assert.deepEqual(
        { kernelAllocations: after.kernelAllocations, persistent: after.persistentCapacity, transient: after.transientCapacity, highWater: after.transientHighWater },
        { kernelAllocations: warm.kernelAllocations, persistent: warm.persistentCapacity, transient: warm.transientCapacity, highWater: warm.transientHighWater },
        `${variant.gradient.type}: the arena grew after warm-up`,
      );
    }
  });

  test("gradient surgery and Distral on a single task are config errors that say why", () => {
    const oneTask = { ...dimensions, numTasks: 1 };
    for (const type of ["pcgrad", "gradnorm"] as const) {
      assert.throws(() => new MTSACAgent(variants[type]!, oneTask, new JsKernels(), 1), (error) => error instanceof ConfigError && new RegExp(`gradient\\.type=${type}.*1 task`).test(error.message));
    }
    assert.throws(() => new MTSACAgent(variants["distral"]!, oneTask, new JsKernels(), 1), (error) => error instanceof ConfigError && /Distral.*1 task/.test(error.message));
  });
});
