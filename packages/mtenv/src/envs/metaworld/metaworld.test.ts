import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, InvalidActionError, InvalidTaskStateError } from "../../core/errors.js";
import { make } from "../../registry/registry.js";
import { AutoresetMode } from "../../vector/autoreset-mode.js";
import { initMujoco } from "../mujoco/runtime.js";
import { CONFIGURATIONS_PER_TASK, DEFAULT_BENCHMARK_SEED, taskConfigurations } from "./configurations.js";
import { runExpertEpisode } from "./expert-rollout.js";
import { MetaWorldMT1Env } from "./mt1-env.js";
import { MetaWorldMultiTaskEnv } from "./multi-task-env.js";
import { makeMetaWorldMT10VectorEnv, makeMetaWorldMT50VectorEnv } from "./benchmark-vector-env.js";
import { Observation } from "./observation-layout.js";
import { METAWORLD_MT10_ID, METAWORLD_MT1_ID } from "./register.js";
import { TabletopSimulation } from "./tabletop-simulation.js";
import { TCP_BELOW_MOCAP } from "./scene.js";
import { METAWORLD_TASKS, METAWORLD_TASK_NAMES, MT10_TASKS, MT10_TASK_NAMES, MT50_TASK_NAMES, mt50Tasks } from "./task-catalog.js";
import { planarDistance } from "./task.js";

await initMujoco();

/** Configurations per task whose expert episodes CI runs (all 50 run in `npm run experts`). */
const CI_CONFIGURATIONS = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45];

const makeMT1 = (kwargs: Record<string, unknown> = {}): MetaWorldMT1Env => {
  const env = make(METAWORLD_MT1_ID, kwargs);
  assert.ok(env instanceof MetaWorldMT1Env);
  return env;
};

test("the MT10 tasks are the reference's ten, in its order", () => {
  assert.deepEqual(MT10_TASK_NAMES, [
    "reach",
    "push",
    "pick-place",
    "door-open",
    "drawer-open",
    "drawer-close",
    "button-press-topdown",
    "peg-insert-side",
    "window-open",
    "window-close",
  ]);
});

for (const task of METAWORLD_TASKS) {
  test(`${task.name}: the scripted expert solves ${CI_CONFIGURATIONS.length} of the fixed configurations (≥ 90%)`, () => {
    const simulation = new TabletopSimulation(task);
    const failed = CI_CONFIGURATIONS.filter((configuration) => !runExpertEpisode(task, configuration, { simulation }).success);
    simulation.close();
    assert.ok(failed.length <= CI_CONFIGURATIONS.length / 10, `${task.name}: expert failed configurations ${failed.join(", ")}`);
  });
}

test("each task has 50 fixed configurations, identical on every call and inside the documented ranges", () => {
  const ranges: Record<string, { object: [number[], number[]]; goal?: [number[], number[]] }> = {
    reach: { object: [[-0.1, 0.6, 0.02], [0.1, 0.7, 0.02]], goal: [[-0.1, 0.8, 0.05], [0.1, 0.9, 0.3]] },
    push: { object: [[-0.1, 0.6, 0.02], [0.1, 0.7, 0.02]], goal: [[-0.1, 0.8, 0.02], [0.1, 0.9, 0.02]] },
    "pick-place": { object: [[-0.1, 0.6, 0.02], [0.1, 0.7, 0.02]], goal: [[-0.1, 0.8, 0.05], [0.1, 0.9, 0.3]] },
    "door-open": { object: [[0, 0.85, 0.1], [0.1, 0.95, 0.1]] },
    "drawer-open": { object: [[-0.1, 0.9, 0], [0.1, 0.9, 0]] },
    "drawer-close": { object: [[-0.1, 0.9, 0], [0.1, 0.9, 0]] },
    "button-press-topdown": { object: [[-0.1, 0.8, 0], [0.1, 0.9, 0]], goal: [[-0.1, 0.8, 0.115], [0.1, 0.9, 0.115]] },
    "peg-insert-side": { object: [[0, 0.5, 0.012], [0.2, 0.7, 0.012]], goal: [[-0.35, 0.5, 0.05], [-0.25, 0.8, 0.05]] },
    "window-open": { object: [[-0.1, 0.7, 0.16], [0.1, 0.9, 0.16]] },
    "window-close": { object: [[0, 0.75, 0.15], [0, 0.9, 0.15]] },
    "door-close": { object: [[0, 0.85, 0.1], [0.1, 0.95, 0.1]] },
    "reach-wall": { object: [[-0.05, 0.6, 0.02], [0.05, 0.65, 0.02]], goal: [[-0.05, 0.85, 0.05], [0.05, 0.9, 0.3]] },
    "pick-place-wall": { object: [[-0.05, 0.6, 0.02], [0.05, 0.65, 0.02]], goal: [[-0.05, 0.85, 0.05], [0.05, 0.9, 0.3]] },
    "button-press-topdown-wall": { object: [[-0.1, 0.8, 0], [0.1, 0.9, 0]], goal: [[-0.1, 0.8, 0.115], [0.1, 0.9, 0.115]] },
    "push-wall": { object: [[-0.05, 0.6, 0.02], [0.05, 0.65, 0.02]], goal: [[-0.05, 0.85, 0.02], [0.05, 0.9, 0.02]] },
    "push-back": { object: [[-0.1, 0.8, 0.02], [0.1, 0.85, 0.02]], goal: [[-0.1, 0.6, 0.02], [0.1, 0.7, 0.02]] },
    "button-press": { object: [[-0.1, 0.85, 0.115], [0.1, 0.9, 0.115]], goal: [[-0.1, 0.75, 0.115], [0.1, 0.8, 0.115]] },
    "button-press-wall": { object: [[-0.05, 0.85, 0.115], [0.05, 0.9, 0.115]], goal: [[-0.05, 0.75, 0.115], [0.05, 0.8, 0.115]] },
    // coffee machine, handles and lever
    "coffee-button": { object: [[-0.1, 0.8, -0.001], [0.1, 0.9, 0.001]], goal: [[-0.101, 0.61, 0.299], [0.101, 0.71, 0.301]] },
    "coffee-pull": { object: [[-0.05, 0.7, -0.001], [0.05, 0.75, 0.001]], goal: [[-0.1, 0.55, -0.001], [0.1, 0.65, 0.001]] },
    "coffee-push": { object: [[-0.1, 0.55, -0.001], [0.1, 0.65, 0.001]], goal: [[-0.05, 0.7, -0.001], [0.05, 0.75, 0.001]] },
    "handle-press": { object: [[-0.1, 0.8, -0.001], [0.1, 0.9, 0.001]], goal: [[-0.1, 0.55, 0.04], [0.1, 0.7, 0.08]] },
    "handle-press-side": { object: [[-0.35, 0.65, -0.001], [-0.25, 0.75, 0.001]], goal: [[-0.5, 0.4, 0.05], [0.5, 1, 0.5]] },
    "handle-pull": { object: [[-0.1, 0.8, -0.001], [0.1, 0.9, 0.001]], goal: [[-0.1, 0.55, 0.04], [0.1, 0.7, 0.18]] },
    "handle-pull-side": { object: [[-0.35, 0.65, 0], [-0.25, 0.75, 0]], goal: [[-0.5, 0.4, 0.05], [0.5, 1, 0.5]] },
    "lever-pull": { object: [[-0.1, 0.7, 0], [0.1, 0.8, 0]], goal: [[0.02, 0.7, 0.45], [0.22, 0.8, 0.45]] },
    // dial, faucets, door lock, box, shelf, basketball
    "dial-turn": { object: [[-0.1, 0.7, 0], [0.1, 0.8, 0]], goal: [[-0.1, 0.73, 0.03], [0.1, 0.83, 0.03]] },
    "faucet-open": { object: [[-0.05, 0.8, 0], [0.05, 0.85, 0]], goal: [[0.125, 0.8, 0.125], [0.225, 0.85, 0.125]] },
    "faucet-close": { object: [[-0.1, 0.8, 0], [0.1, 0.85, 0]], goal: [[-0.275, 0.8, 0.125], [-0.075, 0.85, 0.125]] },
    "door-lock": { object: [[-0.1, 0.8, 0.15], [0.1, 0.85, 0.15]], goal: [[-0.1, 0.642, 0.111], [0.1, 0.692, 0.111]] },
    "door-unlock": { object: [[-0.1, 0.8, 0.15], [0.1, 0.85, 0.15]], goal: [[0, 0.642, 0.211], [0.2, 0.692, 0.211]] },
    "box-close": { object: [[-0.05, 0.5, 0.02], [0.05, 0.55, 0.02]], goal: [[-0.1, 0.7, 0.133], [0.1, 0.8, 0.133]] },
    "shelf-place": { object: [[-0.1, 0.5, 0.019], [0.1, 0.6, 0.021]], goal: [[-0.1, 0.8, 0.299], [0.1, 0.9, 0.301]] },
    basketball: { object: [[-0.1, 0.6, 0.03], [0.1, 0.7, 0.03]], goal: [[-0.1, 0.767, 0.25], [0.1, 0.817, 0.25]] },
    // plates, sweeps, soccer, hand-insert
    "plate-slide": { object: [[0, 0.6, 0], [0, 0.6, 0]], goal: [[-0.1, 0.85, 0], [0.1, 0.9, 0]] },
    "plate-slide-side": { object: [[0, 0.6, 0], [0, 0.6, 0]], goal: [[-0.3, 0.54, 0], [-0.25, 0.66, 0]] },
    "plate-slide-back": { object: [[0, 0.85, 0], [0, 0.85, 0]], goal: [[-0.1, 0.6, 0.015], [0.1, 0.6, 0.015]] },
    "plate-slide-back-side": { object: [[-0.25, 0.6, 0], [-0.25, 0.6, 0]], goal: [[-0.05, 0.6, 0.015], [0.15, 0.6, 0.015]] },
    "sweep": { object: [[-0.1, 0.6, 0.02], [0.1, 0.7, 0.02]], goal: [[0.5, 0.6, 0.01], [0.5, 0.7, 0.01]] },
    "sweep-into": { object: [[-0.1, 0.6, 0.07], [0.1, 0.7, 0.07]], goal: [[0, 0.84, 0.02], [0, 0.84, 0.02]] },
    "soccer": { object: [[-0.1, 0.6, 0.03], [0.1, 0.7, 0.03]], goal: [[-0.1, 0.8, 0], [0.1, 0.9, 0]] },
    "hand-insert": { object: [[-0.1, 0.6, 0.05], [0.1, 0.7, 0.05]], goal: [[-0.04, 0.8, -0.02], [0.04, 0.88, -0.02]] },
    // tools: assembly, disassemble, hammer, sticks, peg-unplug, pick-out-of-hole, bin-picking
    "pick-out-of-hole": { object: [[0, 0.75, 0.02], [0, 0.75, 0.02]], goal: [[-0.1, 0.5, 0.15], [0.1, 0.6, 0.3]] },
    "bin-picking": { object: [[-0.21, 0.65, 0.03], [-0.03, 0.75, 0.03]], goal: [[0.12, 0.7, 0], [0.12, 0.7, 0]] },
    "stick-push": { object: [[-0.08, 0.58, 0.02], [-0.03, 0.62, 0.02]], goal: [[0.399, 0.55, 0.132], [0.401, 0.6, 0.132]] },
    "hammer": { object: [[-0.1, 0.4, 0.038], [0.1, 0.5, 0.038]], goal: [[0.24, 0.74, 0.11], [0.24, 0.74, 0.11]] },
    "peg-unplug-side": { object: [[-0.25, 0.6, 0], [-0.15, 0.8, 0]], goal: [[-0.056, 0.6, 0.131], [0.044, 0.8, 0.131]] },
    "stick-pull": { object: [[-0.1, 0.55, 0.02], [0, 0.65, 0.02]], goal: [[0.35, 0.45, 0.02], [0.45, 0.55, 0.02]] },
    assembly: { object: [[0, 0.6, 0.02], [0, 0.6, 0.02]], goal: [[-0.1, 0.75, 0.1], [0.1, 0.85, 0.1]] },
    disassemble: { object: [[0, 0.6, 0.025], [0.1, 0.75, 0.025]], goal: [[0, 0.6, 0.175], [0.1, 0.75, 0.175]] },
  };
  const inside = (value: readonly number[], [low, high]: [number[], number[]]): boolean => value.every((v, i) => v >= low[i]! - 1e-12 && v <= high[i]! + 1e-12);
  for (const task of METAWORLD_TASKS) {
    const configurations = taskConfigurations(task);
    assert.equal(configurations.length, CONFIGURATIONS_PER_TASK);
    assert.equal(taskConfigurations(task), configurations, "cached");
    const range = ranges[task.name]!;
    for (const [i, configuration] of configurations.entries()) {
      assert.ok(inside(configuration.object, range.object), `${task.name} #${i} object ${configuration.object}`);
      if (range.goal !== undefined) assert.ok(inside(configuration.goal, range.goal), `${task.name} #${i} goal ${configuration.goal}`);
    }
    assert.notDeepEqual(configurations[0], configurations[1], `${task.name}: configurations differ`);
    // The reference's rejection sampling: block/goal and peg/box never overlap.
    const minimumSeparation = { reach: 0.15, push: 0.15, "pick-place": 0.15, "peg-insert-side": 0.1, "reach-wall": 0.15, "pick-place-wall": 0.15, "push-wall": 0.15, "push-back": 0.15, "coffee-pull": 0.15, "coffee-push": 0.15, "pick-out-of-hole": 0.15, "box-close": 0.25, "shelf-place": 0.1, "stick-push": 0.1, "sweep-into": 0.15, soccer: 0.15, "hand-insert": 0.15, assembly: 0.1, "stick-pull": 0.1 }[task.name];
    if (minimumSeparation !== undefined) {
      for (const configuration of configurations) assert.ok(planarDistance(configuration.object, configuration.goal) >= minimumSeparation, `${task.name}: objects overlap`);
    }
  }
  // Pinned values: the sets are part of the benchmark and must not drift.
  assert.deepEqual(
    taskConfigurations(MT10_TASKS[2]!)[0]!.object.map((v) => Number(v.toFixed(6))),
    [-0.06766, 0.638018, 0.02],
  );
});

test("configurations come from the benchmark seed: one seed repeats, two seeds differ, the default is documented", () => {
  for (const task of METAWORLD_TASKS) {
    const seven = taskConfigurations(task, 7);
    assert.deepEqual(taskConfigurations(task, 7), seven, `${task.name}: same seed, same configurations`);
    assert.notDeepEqual(taskConfigurations(task, 8), seven, `${task.name}: another seed, other configurations`);
    assert.deepEqual(taskConfigurations(task), taskConfigurations(task, DEFAULT_BENCHMARK_SEED));
  }
  const env = makeMT1({ task: "pick-place", benchmarkSeed: 7, initialTaskState: 4 });
  env.seedTask(0);
  const [observation] = env.reset({ seed: 0 });
  assert.ok(Math.abs(observation.envObs[Observation.goal]! - taskConfigurations(env.task, 7)[4]!.goal[0]) < 1e-6, "the env uses its benchmarkSeed");
  env.close();
  assert.throws(
    () => make(METAWORLD_MT10_ID, { benchmarkSeed: -3 }),
    (error: unknown) => error instanceof ConfigError && /benchmarkSeed/.test(error.message),
  );
  assert.throws(() => new MetaWorldMT1Env(MT10_TASKS[0]!, { episodeLength: 500, taskObservation: "index", initialTaskState: 0, benchmarkSeed: 2.5 }), (error: unknown) => error instanceof ConfigError && /benchmarkSeed must be an integer in \[0, 2\^32 − 1\].*got 2\.5/.test(error.message));
});

test("the 39-dim observation follows the v2 layout: hand, opening, object slots, previous frame, goal", () => {
  const env = makeMT1({ task: "pick-place", initialTaskState: 3 });
  env.seedTask(0);
  const [first] = env.reset({ seed: 0 });
  const obs = first.envObs;
  assert.equal(obs.length, 39);
  const configuration = taskConfigurations(env.task)[3]!;
  const tcp = env.tabletop.gripper.tcp;
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(obs[Observation.hand + i]! - tcp[i]! - (i === 2 ? TCP_BELOW_MOCAP : 0)) < 1e-6, "hand = the mocap point above the tool centre point");
    assert.ok(Math.abs(obs[Observation.hand + i]! - env.task.handStart[i]!) < 1e-6, "hand starts at the task's start position");
    assert.ok(Math.abs(obs[Observation.object1Position + i]! - configuration.object[i]!) < 1e-6, "object 1 = the block");
    assert.ok(Math.abs(obs[Observation.goal + i]! - configuration.goal[i]!) < 1e-6, "goal");
  }
  assert.ok(Math.abs(obs[Observation.gripperOpening]! - 1) < 0.01, "fingers start open");
  assert.deepEqual(Array.from(obs.subarray(Observation.object1Quaternion, Observation.object1Quaternion + 4)), [1, 0, 0, 0]);
  assert.deepEqual(Array.from(obs.subarray(Observation.object2Position, Observation.previousFrame)), new Array(7).fill(0), "unused slot is 0");
  assert.deepEqual(Array.from(obs.subarray(Observation.previousFrame, Observation.goal)), Array.from(obs.subarray(0, 18)), "previous = current at reset");
  const [second] = env.step(Float32Array.of(1, 0, 0, 1));
  assert.deepEqual(Array.from(second.envObs.subarray(Observation.previousFrame, Observation.goal)), Array.from(obs.subarray(0, 18)), "previous frame");
  assert.ok(second.envObs[0]! > obs[0]!, "+x action moves the hand to +x");
  env.close();
});

test("every task keeps its observation in space and its reward in [0, 10] under random actions", () => {
  for (const name of METAWORLD_TASK_NAMES) {
    const env = makeMT1({ task: name, episodeLength: 60 });
    env.seedTask(1);
    env.resetTaskState();
    env.reset({ seed: 2 });
    env.actionSpace.seed(3);
    for (let t = 0; t < 60; t++) {
      const [observation, reward, terminated, truncated, info] = env.step(env.actionSpace.sample());
      assert.ok(reward >= 0 && reward <= 10, `${name} step ${t}: reward ${reward}`);
      assert.equal(typeof info.success, "boolean");
      assert.equal(env.observationSpace.explainMismatch(observation), undefined);
      assert.equal(terminated, false);
      if (truncated) break;
    }
    env.close();
  }
});

test("actions outside [−1, 1] are clipped (an action of 5 moves like 1); NaN throws InvalidActionError", () => {
  const run = (value: number): Float32Array => {
    const env = makeMT1({ task: "reach" });
    env.seedTask(0);
    env.reset({ seed: 0 });
    const [observation] = env.step(Float32Array.of(value, -value, value, value));
    env.close();
    return observation.envObs;
  };
  assert.deepEqual(Array.from(run(5)), Array.from(run(1)));
  const env = makeMT1();
  env.seedTask(0);
  env.reset({ seed: 0 });
  assert.throws(() => env.step(Float32Array.of(0, Number.NaN, 0, 0)), InvalidActionError);
  assert.throws(() => env.step(new Float32Array(3)), InvalidActionError);
  env.close();
});

test("episodes last 500 steps (150 as an option) and end truncated, never terminated", () => {
  for (const episodeLength of [500, 150]) {
    const env = makeMT1(episodeLength === 500 ? { task: "button-press-topdown" } : { task: "button-press-topdown", episodeLength });
    env.seedTask(0);
    env.reset({ seed: 0 });
    let steps = 0;
    let ended = false;
    while (!ended) {
      const [, , terminated, truncated, info] = env.step(new Float32Array(4));
      steps += 1;
      assert.equal(terminated, false);
      if (truncated) assert.equal(info.timeLimitReached, true);
      ended = truncated;
    }
    assert.equal(steps, episodeLength);
    env.close();
  }
});

test("an unknown task name is a ConfigError that lists the tasks and suggests the closest", () => {
  assert.throws(
    () => make(METAWORLD_MT1_ID, { task: "pick-and-place" }),
    (error: unknown) => error instanceof ConfigError && /Did you mean: pick-place/.test(error.message) && /window-close/.test(error.message),
  );
  const env = makeMT1({ task: "door-open" });
  assert.throws(() => env.setTaskState(50), InvalidTaskStateError);
  env.close();
});

test("MT1's task states are its 50 configurations; MT10's are the ten task indices, one-hot optional", () => {
  const mt1 = makeMT1();
  assert.deepEqual(mt1.listTaskStates(), Array.from({ length: 50 }, (_, i) => i));
  mt1.close();
  const mt10 = make(METAWORLD_MT10_ID, { taskObservation: "one-hot" });
  assert.ok(mt10 instanceof MetaWorldMultiTaskEnv);
  assert.deepEqual(mt10.listTaskStates(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(mt10.listTaskNames(), MT10_TASK_NAMES);
  mt10.setTaskState(7);
  mt10.seedTask(0);
  const [observation] = mt10.reset({ seed: 4, options: { configuration: 12 } });
  assert.equal(mt10.task.name, "peg-insert-side");
  assert.equal(mt10.configurationIndex, 12);
  assert.deepEqual(Array.from(observation.taskObs as Float32Array), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  const goal = taskConfigurations(mt10.task)[12]!.goal;
  assert.ok(Math.abs(observation.envObs[Observation.goal]! - goal[0]) < 1e-6);
  assert.throws(() => mt10.reset({ options: { configuration: 50 } }), ConfigError);
  mt10.close();
});

test("the MT10 vector env runs one env per task, and sync and parallel agree bit for bit", async () => {
  const rollout = async (mode: "sync" | "parallel"): Promise<number[]> => {
    const env = await makeMetaWorldMT10VectorEnv({ seed: 3, mode, autoresetMode: AutoresetMode.SameStep });
    try {
      assert.equal(env.numEnvs, 10);
      assert.deepEqual(env.call("getTaskState"), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      env.reset({ seed: 11 });
      env.actionSpace.seed(5);
      const trace: number[] = [];
      for (let t = 0; t < 20; t++) {
        const result = env.step(env.actionSpace.sample());
        trace.push(...result.rewards, result.envObs[0]!, result.envObs[39 * 9 + 6]!);
      }
      return trace;
    } finally {
      await env.close();
    }
  };
  assert.deepEqual(await rollout("parallel"), await rollout("sync"));
});

test("MT50 is every task, in the reference's order, and the catalog holds no other", () => {
  assert.equal(MT50_TASK_NAMES.length, 50);
  assert.equal(new Set(MT50_TASK_NAMES).size, 50);
  assert.deepEqual(METAWORLD_TASK_NAMES, MT50_TASK_NAMES);
  assert.deepEqual(mt50Tasks().map((task) => task.name), MT50_TASK_NAMES);
  for (const task of MT10_TASKS) assert.ok(MT50_TASK_NAMES.includes(task.name), task.name);
});

test("the MT50 vector env runs the fifty tasks 25 to a worker on 2 workers, and agrees with sync bit for bit", async () => {
  const rollout = async (mode: "sync" | "parallel"): Promise<number[]> => {
    const env = await makeMetaWorldMT50VectorEnv({ seed: 3, mode, autoresetMode: AutoresetMode.SameStep, parallel: { numWorkers: 2 } });
    try {
      assert.equal(env.numEnvs, 50);
      assert.deepEqual(env.call("getTaskState"), Array.from({ length: 50 }, (_, i) => i));
      if (mode === "parallel") assert.equal((env as unknown as { numWorkers: number }).numWorkers, 2);
      env.reset({ seed: 11 });
      env.actionSpace.seed(5);
      const trace: number[] = [];
      for (let t = 0; t < 8; t++) {
        const result = env.step(env.actionSpace.sample());
        trace.push(...result.rewards, ...result.envObs.subarray(0, 39), ...result.envObs.subarray(39 * 49, 39 * 50));
      }
      return trace;
    } finally {
      await env.close();
    }
  };
  assert.deepEqual(await rollout("parallel"), await rollout("sync"));
});
