import { test } from "node:test";
import assert from "node:assert/strict";
import { AutoresetMode, CONFIGURATIONS_PER_TASK, ConfigError, METAWORLD_MT10_ID, MT10_TASKS, MetaWorldObservationLayout, makeMultiTaskVectorEnv, type ExpertPolicy } from "@mtrl/mtenv";
import type { MultiTaskAgent } from "../agents/agent.js";
import { actionScalerFor } from "./build-task-envs.js";
import { assertMetaWorldProtocolEnv, evaluateMetaWorldProtocol } from "./metaworld-protocol.js";

/**
 * A test agent that plays each task's scripted expert, or does nothing. A fresh expert starts
 * whenever an observation's previous frame equals its current one, which happens only at reset.
 */
function scriptedAgent(taskStates: readonly number[], play: boolean): MultiTaskAgent & { episodesStarted: number[] } {
  const size = MetaWorldObservationLayout.size;
  const experts: (ExpertPolicy | undefined)[] = taskStates.map(() => undefined);
  const episodesStarted = taskStates.map(() => 0);
  const action = new Float32Array(4);
  return {
    episodesStarted,
    act(observations, taskIndices, _deterministic, out) {
      taskIndices.forEach((_, i) => {
        const row = observations.subarray(i * size, (i + 1) * size);
        const frame = MetaWorldObservationLayout.frameSize;
        const atReset = row.subarray(0, frame).every((value, j) => value === row[frame + j]);
        if (atReset) {
          experts[i] = MT10_TASKS[taskStates[i]!]!.createExpert();
          episodesStarted[i] = episodesStarted[i]! + 1;
        }
        if (play) experts[i]!.act(row, action);
        else action.fill(0);
        out.set(action, i * 4);
      });
    },
    update: () => ({}),
    getState: () => ({ tensors: new Map(), json: {} }),
    setState: () => undefined,
  };
}

async function protocolRun(taskStates: number[], play: boolean, kwargs: Record<string, unknown> = {}) {
  const vector = await makeMultiTaskVectorEnv({ id: METAWORLD_MT10_ID, kwargs, taskStates, seed: 1, autoresetMode: AutoresetMode.Disabled });
  try {
    const agent = scriptedAgent(taskStates, play);
    const names = taskStates.map((state) => MT10_TASKS[state]!.name);
    const result = evaluateMetaWorldProtocol(agent, vector, names, actionScalerFor(vector.singleActionSpace, "test", METAWORLD_MT10_ID), { seed: 3 });
    return { result, episodesStarted: agent.episodesStarted };
  } finally {
    await vector.close();
  }
}

test("the metaworld protocol runs one episode per configuration, ended at the first success: experts score 1 per task", async () => {
  const { result, episodesStarted } = await protocolRun([0, 5], true);
  assert.deepEqual(result.metrics["eval/success/reach"], 1);
  assert.deepEqual(result.metrics["eval/success/drawer-close"], 1);
  assert.equal(result.meanSuccess, 1);
  // The slower task (drawer-close) ran exactly its 50 episodes; reach, done first, idled in extra ones.
  assert.equal(episodesStarted[1], CONFIGURATIONS_PER_TASK);
  assert.ok(episodesStarted[0]! > CONFIGURATIONS_PER_TASK);
  // Ended at success: reach's expert needs ≈ 24 steps, so the mean return is far below 500 · 10.
  assert.ok(result.metrics["eval/return/reach"]! < 300, `reach return ${result.metrics["eval/return/reach"]}`);
});

test("the metaworld protocol counts an episode that only reaches the time limit as a failure", async () => {
  const { result } = await protocolRun([0], false, { episodeLength: 5 });
  assert.equal(result.metrics["eval/success/reach"], 0);
  assert.equal(result.meanSuccess, 0);
});

test("the metaworld protocol refuses an environment without fixed configurations, naming the fix", () => {
  assert.throws(() => assertMetaWorldProtocolEnv("MT-Pendulum-v0"), (error: unknown) => error instanceof ConfigError && /MT-MetaWorld-MT10-v0/.test(error.message) && /omit --protocol/.test(error.message));
  assertMetaWorldProtocolEnv(METAWORLD_MT10_ID);
});
