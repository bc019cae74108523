import { test } from "node:test";
import assert from "node:assert/strict";
import { checkEnv, formatCheckReport } from "../../checker/check-env.js";
import { ConfigError, InvalidTaskStateError } from "../../core/errors.js";
import { make, registry } from "../../registry/registry.js";
import { Box } from "../../spaces/box.js";
import { ParallelVectorEnv } from "../../vector/parallel-vector-env.js";
import { SyncVectorEnv } from "../../vector/sync-vector-env.js";
import { ControlSuiteEnv } from "./control-suite-env.js";
import { HIPBMDP_SPLITS, MUJOCO_ENV_IDS } from "./register.js";
import { initMujoco } from "./runtime.js";

await initMujoco();

const HIPBMDP_IDS = [
  "MT-HiPBMDP-Finger-Spin-vary-size-v0",
  "MT-HiPBMDP-Cheetah-Run-vary-torso-length-v0",
  "MT-HiPBMDP-Walker-Walk-vary-friction-v0",
  "MT-HiPBMDP-Walker-Walk-vary-len-v0",
];

const makeControl = (id: string, kwargs: Record<string, unknown> = {}): ControlSuiteEnv => {
  const env = make(id, kwargs);
  assert.ok(env instanceof ControlSuiteEnv, `${id} builds a ControlSuiteEnv`);
  return env;
};

test("the reference HiP-BMDP ids and the plain DMC ids are registered", () => {
  for (const id of [...HIPBMDP_IDS, "MT-DMC-Cartpole-Swingup-v0", "MT-DMC-Cheetah-Run-v0", "MT-DMC-Walker-Walk-v0", "MT-DMC-Reacher-Easy-v0"]) {
    assert.ok(registry.has(id), id);
    assert.ok(MUJOCO_ENV_IDS.includes(id), id);
  }
  assert.equal(MUJOCO_ENV_IDS.length, 12);
});

// Short rollouts: the full-length conformance run over every id lives with the checker.
for (const id of MUJOCO_ENV_IDS) {
  test(`${id} passes checkEnv (state and pixels, short rollouts) and rejects its invalid kwargs`, () => {
    const spec = registry.spec(id);
    for (const kwargs of [{}, ...spec.testKwargs.valid]) {
      const report = checkEnv(() => make(id, kwargs), { rolloutSteps: 12, compareSteps: 6 });
      assert.ok(report.passed, `${id} ${JSON.stringify(kwargs)}\n${formatCheckReport(report)}`);
    }
    const modes = [{}, ...spec.testKwargs.valid].map((kwargs) => registry.parseKwargs(id, kwargs)["fromPixels"]);
    assert.deepEqual([...new Set(modes)].sort(), [false, true], "state and pixels are both covered");
    for (const kwargs of spec.testKwargs.invalid) assert.throws(() => make(id, kwargs), ConfigError, JSON.stringify(kwargs));
  });
}

test("every DMC-style reward lies in [0, 1] per control step over a random rollout", () => {
  for (const id of MUJOCO_ENV_IDS.filter((id) => id.startsWith("MT-DMC-"))) {
    const env = makeControl(id);
    env.seedTask(1);
    env.resetTaskState();
    env.reset({ seed: 2 });
    for (let t = 0; t < 150; t++) {
      const [, reward] = env.step(env.actionSpace.sample());
      assert.ok(reward >= 0 && reward <= 1, `${id} step ${t}: reward ${reward}`);
    }
    env.close();
  }
});

test("a balancing cartpole earns nearly full reward at the start; a hanging one earns little", () => {
  const returns = ["Balance", "Swingup"].map((task) => {
    const env = makeControl(`MT-DMC-Cartpole-${task}-v0`);
    env.seedTask(0);
    env.reset({ seed: 0 });
    const [, reward] = env.step(new Float32Array(1));
    env.close();
    return reward;
  });
  assert.ok(returns[0]! > 0.9, `balance ${returns[0]}`);
  assert.ok(returns[1]! < 0.1, `swingup ${returns[1]}`);
});

test("an episode lasts 1000 control steps: 1000 agent steps, or 500 with frameSkip 2", () => {
  for (const frameSkip of [1, 2]) {
    const env = makeControl("MT-DMC-Cartpole-Balance-v0", { frameSkip });
    env.seedTask(0);
    env.reset({ seed: 0 });
    let steps = 0;
    let truncated = false;
    let terminated = false;
    while (!truncated && !terminated) {
      [, , terminated, truncated] = env.step(new Float32Array(1));
      steps += 1;
    }
    assert.equal(steps, 1000 / frameSkip);
    assert.equal(terminated, false, "DMC episodes end by time, never by termination");
    env.close();
  }
});

test("HiP-BMDP families have ten variants from the reference ranges, and the default is pixels 84×84 × 3 frames", () => {
  const expected: Record<string, [number, number]> = {
    "MT-HiPBMDP-Finger-Spin-vary-size-v0": [0.025, 0.25],
    "MT-HiPBMDP-Cheetah-Run-vary-torso-length-v0": [0.5, 1.4],
    "MT-HiPBMDP-Walker-Walk-vary-friction-v0": [0.7, 1.6],
    "MT-HiPBMDP-Walker-Walk-vary-len-v0": [0.08, 0.17],
  };
  for (const id of HIPBMDP_IDS) {
    const env = makeControl(id);
    const values = env.family.values;
    assert.equal(values.length, 10, id);
    assert.deepEqual([values[0], values[9]], expected[id], id);
    assert.deepEqual(env.observationSpace.spaces.envObs.toJSON(), { type: "box", shape: [9, 84, 84], low: Array(9 * 84 * 84).fill(0), high: Array(9 * 84 * 84).fill(255), dtype: "uint8" });
    assert.equal(env.options.frameSkip, 2);
    env.close();
  }
  assert.deepEqual(HIPBMDP_SPLITS.train, [2, 3, 6, 7]);
});

test("the task state selects the physics: a longer cheetah torso is heavier and its hips further apart", () => {
  const env = makeControl("MT-HiPBMDP-Cheetah-Run-vary-torso-length-v0", { fromPixels: false });
  const hipSpread = (): number => {
    const physics = env.physics;
    return physics.bodyPosition("fthigh")[0] - physics.bodyPosition("bthigh")[0];
  };
  env.setTaskState(0);
  const short = hipSpread();
  env.setTaskState(9);
  const long = hipSpread();
  assert.ok(Math.abs(short - 1.0) < 1e-9 && Math.abs(long - 2.8) < 1e-9, `hip spreads ${short} and ${long}`);
  assert.equal(env.getTaskObs(), 9);
  assert.throws(() => env.setTaskState(10), InvalidTaskStateError);
  assert.throws(() => env.setTaskState(1.5), InvalidTaskStateError);
  env.close();
});

test("taskObservation 'one-hot' gives the variant as a one-hot vector", () => {
  const env = makeControl("MT-HiPBMDP-Walker-Walk-vary-friction-v0", { fromPixels: false, taskObservation: "one-hot", initialTaskState: 4 });
  const taskObs = env.getTaskObs();
  assert.ok(taskObs instanceof Float32Array);
  assert.deepEqual(Array.from(taskObs), [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  assert.ok(env.observationSpace.spaces.taskObs.contains(taskObs));
  env.close();
});

test("sampleFrom restricts task sampling to the given variants (e.g. the train split)", () => {
  const env = makeControl("MT-HiPBMDP-Walker-Walk-vary-len-v0", { fromPixels: false, sampleFrom: [...HIPBMDP_SPLITS.train] });
  env.seedTask(3);
  const seen = new Set(Array.from({ length: 40 }, () => env.sampleTaskState()));
  assert.deepEqual([...seen].sort(), [...HIPBMDP_SPLITS.train]);
  env.close();
});

test("pixel observations stack frames oldest first: after a step the old newest frame moves down one slot", () => {
  const env = makeControl("MT-DMC-Cheetah-Run-v0", { fromPixels: true, frameStack: 3, frameSkip: 2 });
  env.seedTask(0);
  const [first] = env.reset({ seed: 4 });
  const planes = 3 * 84 * 84;
  assert.equal(first.envObs.length, 3 * planes);
  assert.deepEqual(first.envObs.subarray(0, planes), first.envObs.subarray(2 * planes), "reset fills the stack with the first frame");
  const [second] = env.step(env.actionSpace.sample());
  const [third] = env.step(env.actionSpace.sample());
  assert.deepEqual(third.envObs.subarray(planes, 2 * planes), second.envObs.subarray(2 * planes));
  assert.notDeepEqual(third.envObs.subarray(2 * planes), second.envObs.subarray(2 * planes), "the cheetah moved");
  env.close();
});

test("pixel observations are bytes: a uint8 Box [3·frameStack, H, W], and a vector env keeps them as bytes", async () => {
  const kwargs = { fromPixels: true, width: 12, height: 10, frameStack: 2 };
  const env = makeControl("MT-DMC-Cartpole-Swingup-v0", kwargs);
  const space = env.observationSpace.spaces.envObs;
  assert.ok(space instanceof Box && space.dtype === "uint8" && space.flatDtype === "uint8");
  assert.deepEqual(space.shape, [6, 10, 12]);
  const [single] = env.reset({ seed: 3 });
  assert.ok(single.envObs instanceof Uint8Array && space.contains(single.envObs));
  const vector = new SyncVectorEnv([{ id: "MT-DMC-Cartpole-Swingup-v0", kwargs }, { id: "MT-DMC-Cartpole-Swingup-v0", kwargs }]);
  const reset = vector.reset({ seed: [3, 9] });
  assert.ok(reset.envObs instanceof Uint8Array, "the vector buffer is a Uint8Array");
  assert.equal(reset.envObs.length, 2 * space.size);
  assert.deepEqual(reset.envObs.subarray(0, space.size), single.envObs, "row 0 is env 0's observation, byte for byte");
  assert.ok(vector.observationSpace.spaces.envObs.contains(reset.envObs));
  const resetBytes = Uint8Array.from(reset.envObs);
  const actions = vector.actionSpace.sample();
  const stepped = Uint8Array.from(vector.step(actions).envObs);
  assert.ok(vector.observationSpace.spaces.envObs.contains(stepped));
  // Worker threads write the same bytes into shared Uint8Array buffers.
  const workers = await ParallelVectorEnv.create([{ id: "MT-DMC-Cartpole-Swingup-v0", kwargs }, { id: "MT-DMC-Cartpole-Swingup-v0", kwargs }], { numWorkers: 1, useMainThread: false });
  const parallelReset = workers.reset({ seed: [3, 9] });
  assert.ok(parallelReset.envObs instanceof Uint8Array);
  assert.deepEqual(Uint8Array.from(parallelReset.envObs), resetBytes);
  assert.deepEqual(Uint8Array.from(workers.step(actions).envObs), stepped);
  env.close();
  await vector.close();
  await workers.close();
});
