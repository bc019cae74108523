import { test } from "node:test";
import assert from "node:assert/strict";
import { AutoresetMode, Rng, makeMultiTaskVectorEnv } from "@mtrl/mtenv";
import { TaskEnvs } from "./task-envs.js";

async function cartPoles(mode: "sync" | "parallel"): Promise<TaskEnvs> {
  const vector = await makeMultiTaskVectorEnv({ id: "MT-CartPole-v0", numTasks: 3, mode, seed: 4, autoresetMode: AutoresetMode.Disabled });
  return new TaskEnvs(vector, 11, "train");
}

/** Random CartPole actions: episodes end at different steps in different envs. */
function actionsAt(step: number): Float32Array {
  const rng = Rng.fromSeed(step, "actions");
  return Float32Array.from({ length: 3 }, () => rng.integers(0, 2));
}

function record(envs: TaskEnvs, from: number, steps: number): string[] {
  const trace: string[] = [];
  for (let t = from; t < from + steps; t++) {
    envs.step(actionsAt(t));
    trace.push(JSON.stringify([Array.from(envs.nextObservations), Array.from(envs.rewards), Array.from(envs.terminated), Array.from(envs.observations)]));
  }
  return trace;
}

for (const mode of ["sync", "parallel"] as const) {
  test(`${mode}: restoring a saved position replays every env's episode exactly, even mid-episode at different lengths`, async () => {
    const original = await cartPoles(mode);
    original.resetAll();
    record(original, 0, 57);
    const saved = original.getState();
    const lengths = saved.actionsInEpisode.map((actions) => actions.length);
    assert.ok(new Set(lengths).size > 1, `the test needs envs at different points of their episodes, got ${lengths}`);
    assert.ok(saved.episodeIndices.some((episode) => episode > 0), "the test needs finished episodes before the save");
    const expected = record(original, 57, 80);
    await original.close();

    const restored = await cartPoles(mode);
    restored.restore(JSON.parse(JSON.stringify(saved)));
    assert.deepEqual(restored.getState(), saved);
    assert.deepEqual(record(restored, 57, 80), expected);
    await restored.close();
  });
}

test("the true final observation is kept apart from the next episode's first one", async () => {
  const envs = await cartPoles("sync");
  envs.resetAll();
  for (let t = 0; t < 200; t++) {
    envs.step(actionsAt(t));
    const ended = envs.terminated.findIndex((flag) => flag === 1);
    if (ended < 0) continue;
    const final = envs.nextObservations.subarray(ended * 4, ended * 4 + 4);
    const next = envs.observations.subarray(ended * 4, ended * 4 + 4);
    assert.ok(Math.abs(final[0]!) > 2.4 || Math.abs(final[2]!) > (12 * Math.PI) / 180, `final observation ${Array.from(final)} is not terminal`);
    assert.ok(next.every((value) => Math.abs(value) <= 0.05), `reset observation ${Array.from(next)} is not a fresh start`);
    await envs.close();
    return;
  }
  assert.fail("no episode ended in 200 steps");
});
