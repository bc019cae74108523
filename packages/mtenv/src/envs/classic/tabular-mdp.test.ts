import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, InvalidTaskStateError } from "../../core/errors.js";
import { make } from "../../registry/registry.js";
import { UniformTabularMDP, type TabularMDPTask } from "./tabular-mdp.js";
import "./register.js";

/** A deterministic 3-state, 2-action MDP: action 0 stays, action 1 moves to s+1 mod 3; reward only for (2, 1). */
function cycleTask(): TabularMDPTask {
  return {
    rewardProbabilities: [
      [0, 0],
      [0, 0],
      [0, 1],
    ],
    transitionProbabilities: [
      [[1, 0, 0], [0, 1, 0]],
      [[0, 1, 0], [0, 0, 1]],
      [[0, 0, 1], [1, 0, 0]],
    ],
  };
}

function stateOf(envObs: Float32Array, nStates: number): number {
  return Array.from(envObs.subarray(0, nStates)).indexOf(1);
}

test("sampled tasks: R[s][a] in [0, 1], every row T[s][a] a softmax that sums to 1, taskObs = [R, T] row-major in its space", () => {
  const env = new UniformTabularMDP({ nStates: 4, nActions: 5 });
  env.seedTask(2);
  for (let i = 0; i < 20; i++) {
    const task = env.sampleTaskState();
    assert.deepEqual(task.rewardProbabilities.map((row) => row.length), [5, 5, 5, 5]);
    assert.deepEqual(task.transitionProbabilities.map((rows) => rows.map((row) => row.length)), Array.from({ length: 4 }, () => [4, 4, 4, 4, 4]));
    assert.ok(task.rewardProbabilities.flat().every((p) => p >= 0 && p <= 1));
    for (const probabilities of task.transitionProbabilities.flat()) {
      assert.ok(probabilities.every((p) => p > 0), "a softmax gives every next state some probability");
      assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    }
    env.setTaskState(task);
    const taskObs = env.getTaskObs();
    assert.deepEqual(taskObs, Float32Array.from([...task.rewardProbabilities.flat(), ...task.transitionProbabilities.flat(2)]));
    assert.ok(env.observationSpace.spaces.taskObs.contains(taskObs));
  }
});

test("the task state is plain JSON of float32 values: it survives JSON.stringify/parse and comes back unchanged", () => {
  const env = new UniformTabularMDP({ nStates: 3, nActions: 2 });
  env.seedTask(4);
  const task = env.sampleTaskState();
  assert.ok([...task.rewardProbabilities.flat(), ...task.transitionProbabilities.flat(2)].every((p) => Object.is(p, Math.fround(p))), "every value is a float32 value");
  const parsed = JSON.parse(JSON.stringify(task)) as TabularMDPTask;
  assert.deepEqual(parsed, task);
  env.setTaskState(parsed);
  assert.deepEqual(env.getTaskState(), task);
  // A value that is not a float32 is rounded the way the dynamics see it.
  env.setTaskState({ ...cycleTask(), rewardProbabilities: [[0.1, 0], [0, 0], [0, 1]] });
  assert.equal(env.getTaskState().rewardProbabilities[0]![0], Math.fround(0.1));
});

test("the flat row-major Float32Array tables of earlier versions are still accepted and mean the same task", () => {
  const nested = new UniformTabularMDP({ nStates: 3, nActions: 2 });
  nested.seedTask(6);
  const task = nested.sampleTaskState();
  const flat = new UniformTabularMDP({ nStates: 3, nActions: 2 });
  flat.setTaskState({ rewardProbabilities: Float32Array.from(task.rewardProbabilities.flat()), transitionProbabilities: Float32Array.from(task.transitionProbabilities.flat(2)) });
  nested.setTaskState(task);
  assert.deepEqual(flat.getTaskState(), task);
  assert.deepEqual(flat.getTaskObs(), nested.getTaskObs());
});

test("transitions follow T and rewards follow R (a deterministic MDP is replayed exactly)", () => {
  const env = new UniformTabularMDP({ nStates: 3, nActions: 2 });
  env.setTaskState(cycleTask());
  const [first] = env.reset({ seed: 1 });
  let state = stateOf(first.envObs, 3);
  assert.equal(first.envObs[3], 0, "the last-reward slot is 0 after reset");
  for (const action of [1, 1, 0, 1, 1, 1, 0, 1]) {
    const [observation, reward, terminated, truncated] = env.step(action);
    const expectedReward = state === 2 && action === 1 ? 1 : 0;
    state = action === 1 ? (state + 1) % 3 : state;
    assert.equal(stateOf(observation.envObs, 3), state);
    assert.equal(observation.envObs.reduce((a, b) => a + b, 0) - observation.envObs[3]!, 1, "one-hot state");
    assert.deepEqual([reward, observation.envObs[3], terminated, truncated], [expectedReward, expectedReward, false, false]);
  }
});

test("Bernoulli rewards and sampled transitions match their probabilities empirically", () => {
  const env = new UniformTabularMDP({ nStates: 2, nActions: 1 });
  env.setTaskState({ rewardProbabilities: Float32Array.of(0.25, 0.75), transitionProbabilities: Float32Array.of(0.5, 0.5, 0.5, 0.5) });
  env.reset({ seed: 3 });
  const counts = { rewards: [0, 0], visits: [0, 0] };
  let [observation] = env.reset();
  for (let t = 0; t < 8000; t++) {
    const state = stateOf(observation.envObs, 2);
    const [next, reward] = env.step(0);
    counts.visits[state]! += 1;
    counts.rewards[state]! += reward;
    observation = next;
  }
  const rate = (s: number): number => counts.rewards[s]! / counts.visits[s]!;
  assert.ok(Math.abs(rate(0) - 0.25) < 0.03 && Math.abs(rate(1) - 0.75) < 0.03, `reward rates ${rate(0)}, ${rate(1)}`);
  assert.ok(Math.abs(counts.visits[0]! / 8000 - 0.5) < 0.03, `state-0 share ${counts.visits[0]! / 8000}`);
});

test("distinct tasks give different trajectories from the same env seed", () => {
  const trace = (taskSeed: number): string => {
    const env = new UniformTabularMDP();
    env.seedTask(taskSeed);
    env.resetTaskState();
    env.reset({ seed: 0 });
    return JSON.stringify(Array.from({ length: 30 }, (_, t) => [...env.step(t % 5)[0].envObs]));
  };
  assert.equal(trace(1), trace(1));
  assert.notEqual(trace(1), trace(2));
});

test("never terminates; the registry truncates at 100 steps", () => {
  const env = make("MT-TabularMDP-v0");
  env.seedTask(0);
  env.resetTaskState();
  env.reset({ seed: 0 });
  const flags = Array.from({ length: 100 }, () => env.step(0).slice(2, 4));
  assert.ok(flags.slice(0, 99).every(([terminated, truncated]) => terminated === false && truncated === false));
  assert.deepEqual(flags[99], [false, true]);
});

test("bad sizes are ConfigErrors naming the path; bad task states say what is wrong", () => {
  assert.throws(() => make("MT-TabularMDP-v0", { nStates: 0 }), (e: unknown) => e instanceof ConfigError && /kwargs\.nStates: .*>=1 \(got 0\)/.test(e.message));
  assert.throws(() => new UniformTabularMDP({ nActions: 1.5 }), (e: unknown) => e instanceof ConfigError && /options\.nActions/.test(e.message));
  const env = new UniformTabularMDP({ nStates: 3, nActions: 2 });
  const task = cycleTask();
  task.transitionProbabilities[0]![0]![0] = 0.5;
  assert.throws(() => env.setTaskState(task), (e: unknown) => e instanceof InvalidTaskStateError && /state 0, action 0 sums to 0\.5/.test(e.message));
  const rewardsLike = (rewardProbabilities: unknown): TabularMDPTask => ({ ...cycleTask(), rewardProbabilities: rewardProbabilities as number[][] });
  assert.throws(() => env.setTaskState(rewardsLike([[0, 0], [0, 0]])), (e: unknown) => e instanceof InvalidTaskStateError && /rewardProbabilities has length 2, expected 3/.test(e.message) && /3 rows of 2 probabilities/.test(e.message));
  assert.throws(() => env.setTaskState(rewardsLike([[0, 0], [0, 0, 0], [0, 1]])), (e: unknown) => e instanceof InvalidTaskStateError && /rewardProbabilities\[1\] has length 3, expected 2/.test(e.message));
  assert.throws(() => env.setTaskState(rewardsLike([[0, 0], [0, 2], [0, 1]])), (e: unknown) => e instanceof InvalidTaskStateError && /rewardProbabilities\[1\]\[1\] = 2 is not a probability/.test(e.message));
  assert.throws(() => env.setTaskState(rewardsLike([[0, 0], "0, 0", [0, 1]])), (e: unknown) => e instanceof InvalidTaskStateError && /rewardProbabilities\[1\] is "0, 0", expected an array of 2/.test(e.message));
  assert.throws(() => env.setTaskState(null as never), (e: unknown) => e instanceof InvalidTaskStateError && /got null/.test(e.message));
  // The flat form of earlier versions is checked as strictly.
  const transitionProbabilities = Float32Array.from(cycleTask().transitionProbabilities.flat(2));
  assert.throws(() => env.setTaskState({ rewardProbabilities: new Float32Array(5), transitionProbabilities }), (e: unknown) => e instanceof InvalidTaskStateError && /length 5, expected 6/.test(e.message));
  assert.throws(() => env.setTaskState({ rewardProbabilities: new Float32Array(6).fill(2), transitionProbabilities }), (e: unknown) => e instanceof InvalidTaskStateError && /rewardProbabilities\[0\] = 2 is not a probability/.test(e.message));
});
