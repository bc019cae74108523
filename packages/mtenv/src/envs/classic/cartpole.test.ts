import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, InvalidTaskStateError } from "../../core/errors.js";
import { MTCartPole, cartPoleParameters } from "./cartpole.js";

function cartPole(mu: number[]): MTCartPole {
  const env = new MTCartPole();
  env.setTaskState(Float32Array.from(mu));
  return env;
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance * scale, `${what}[${i}]: expected ${expected[i]}, got ${actual[i]}`);
  }
}

test("the all-zero task is classic CartPole and one step matches Gym's numbers", () => {
  const env = cartPole([0, 0, 0, 0, 0]);
  assert.deepEqual({ ...env.parameters }, { gravity: 9.8, massCart: 1, massPole: 0.1, halfPoleLength: 0.5, forceMagnitude: 10 });
  env.reset({ seed: 0, options: { initialState: [0.01, -0.02, 0.03, 0.04] } });
  const [observation, reward, terminated, truncated] = env.step(1);
  // Computed independently (Python, float64) from Gym's CartPole-v1 step.
  assertClose(observation.envObs, [0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.24306871796000815], 1e-7, "envObs");
  assert.deepEqual([reward, terminated, truncated], [1, false, false]);
});

test("one step of a varied task matches the classic equations computed by hand", () => {
  // μ values exact in float32, so the physics below is exactly what the env uses.
  const mu = [0.25, -0.5, 0.5, 0.125, -0.75];
  const gravity = 9.8 + 5 * 0.25; // 11.05
  const massCart = 1 + 0.5 * -0.5; // 0.75
  const massPole = 0.1 + 0.09 * 0.5; // 0.145
  const halfLength = 0.5 + 0.3 * 0.125; // 0.5375
  const force = 10 * -0.75; // action 1 pushes with the signed force magnitude: −7.5
  const [x, xDot, theta, thetaDot] = [0.02, 0.1, -0.05, 0.3];
  const tau = 0.02;

  const totalMass = massCart + massPole;
  const temp = (force + massPole * halfLength * thetaDot ** 2 * Math.sin(theta)) / totalMass;
  const thetaAcc = (gravity * Math.sin(theta) - Math.cos(theta) * temp) / (halfLength * (4 / 3 - (massPole * Math.cos(theta) ** 2) / totalMass));
  const xAcc = temp - (massPole * halfLength * thetaAcc * Math.cos(theta)) / totalMass;
  const expected = [x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc];

  const env = cartPole(mu);
  env.reset({ seed: 3, options: { initialState: [x, xDot, theta, thetaDot] } });
  const [observation] = env.step(1);
  assertClose(observation.envObs, expected, 1e-7, "envObs");
  assert.ok(xAcc < 0, "a negative force magnitude makes action 1 push the cart left");
});

test("μ4 = 0 exactly means force 10, any other μ4 scales it", () => {
  assert.equal(cartPoleParameters([0, 0, 0, 0, 0]).forceMagnitude, 10);
  assert.equal(cartPoleParameters([0, 0, 0, 0, 0.5]).forceMagnitude, 5);
  assert.equal(cartPoleParameters([0, 0, 0, 0, -1]).forceMagnitude, -10);
});

test("sampled tasks stay in [−1, 1]^5 and map into the documented parameter ranges", () => {
  const env = new MTCartPole();
  env.seedTask(11);
  for (let i = 0; i < 500; i++) {
    const mu = env.sampleTaskState();
    env.setTaskState(mu);
    assert.ok(env.observationSpace.spaces.taskObs.contains(env.getTaskObs()), `taskObs ${env.getTaskObs()} outside Box(−1, 1, [5])`);
    assert.deepEqual(env.getTaskObs(), Float32Array.from(mu), "taskObs is μ itself");
    assert.deepEqual(env.getTaskState(), mu, "getTaskState() returns the sampled μ");
    const p = env.parameters;
    assert.ok(p.gravity >= 4.8 && p.gravity <= 14.8, `gravity ${p.gravity}`);
    assert.ok(p.massCart >= 0.5 && p.massCart <= 1.5, `massCart ${p.massCart}`);
    assert.ok(p.massPole >= 0.01 - 1e-9 && p.massPole <= 0.19 + 1e-9, `massPole ${p.massPole}`);
    assert.ok(p.halfPoleLength >= 0.2 - 1e-9 && p.halfPoleLength <= 0.8 + 1e-9, `halfPoleLength ${p.halfPoleLength}`);
    assert.ok(Math.abs(p.forceMagnitude) <= 10, `forceMagnitude ${p.forceMagnitude}`);
  }
});

test("crossing the x or angle threshold terminates, with reward 1 on the failing step", () => {
  const env = cartPole([0, 0, 0, 0, 0]);
  env.reset({ seed: 0, options: { initialState: [2.39, 1, 0, 0] } });
  const [, reward, terminated] = env.step(1);
  assert.deepEqual([reward, terminated], [1, true]);
  env.reset({ options: { initialState: [0, 0, 0.2, 1] } });
  assert.equal(env.step(0)[2], true, "θ = 0.2 + 0.02 rad passes 12° (0.2094 rad)");
  env.reset({ options: { initialState: [0, 0, 0.1, 0] } });
  assert.equal(env.step(0)[2], false);
});

test("same seeds give identical trajectories and distinct tasks give different dynamics", () => {
  const rollout = (mu: number[], seed: number): number[] => {
    const env = cartPole(mu);
    env.reset({ seed });
    const trace: number[] = [];
    for (let t = 0; t < 20; t++) {
      const [observation, , terminated] = env.step(t % 3 === 0 ? 0 : 1);
      trace.push(...observation.envObs);
      if (terminated) break;
    }
    return trace;
  };
  assert.deepEqual(rollout([0.1, 0.2, 0.3, 0.4, 0.5], 7), rollout([0.1, 0.2, 0.3, 0.4, 0.5], 7));
  assert.notDeepEqual(rollout([0.1, 0.2, 0.3, 0.4, 0.5], 7), rollout([-0.6, 0.2, 0.3, 0.4, 0.5], 7));
  assert.notDeepEqual(rollout([0.1, 0.2, 0.3, 0.4, 0.5], 7), rollout([0.1, 0.2, 0.3, 0.4, 0.5], 8));
});

test("bad task states and reset options are rejected with what was expected", () => {
  const env = new MTCartPole();
  assert.throws(() => env.setTaskState(new Float32Array(4)), (e: unknown) => e instanceof InvalidTaskStateError && /length 5, got length 4/.test(e.message));
  assert.throws(() => env.setTaskState(Float32Array.of(0, 0, 2, 0, 0)), (e: unknown) => e instanceof InvalidTaskStateError && /element 2 is 2, outside \[-1, 1\]/.test(e.message));
  assert.throws(() => env.setTaskState("easy" as never), (e: unknown) => e instanceof InvalidTaskStateError && /expected the task state to be an array of 5 numbers, got "easy"/.test(e.message));
  assert.throws(() => env.setTaskState([0, 0, null, 0, 0] as never), (e: unknown) => e instanceof InvalidTaskStateError && /element 2 is null, not a number/.test(e.message));
  assert.throws(() => env.setTaskState([0, 0, Number.NaN, 0, 0]), (e: unknown) => e instanceof InvalidTaskStateError && /element 2 is NaN, outside \[-1, 1\]/.test(e.message));
  assert.throws(() => env.reset({ seed: 0, options: { initialState: [0, 0] } }), (e: unknown) => e instanceof ConfigError && /initialState must be 4 finite numbers/.test(e.message));
  assert.throws(() => new MTCartPole({ gravity: 3 } as never), (e: unknown) => e instanceof ConfigError && /unknown keys gravity/.test(e.message));
});

test("the task state is μ as a plain number[] of float32 values: it survives JSON and gives the same dynamics", () => {
  const env = new MTCartPole();
  env.seedTask(3);
  const mu = env.sampleTaskState();
  assert.ok(Array.isArray(mu) && mu.length === 5 && mu.every((x) => Object.is(x, Math.fround(x))), `μ = ${JSON.stringify(mu)}`);
  const fromJson = new MTCartPole();
  fromJson.setTaskState(JSON.parse(JSON.stringify(mu)) as number[]);
  const fromState = new MTCartPole();
  fromState.setTaskState(mu);
  assert.deepEqual(fromJson.getTaskState(), mu);
  fromJson.reset({ seed: 1 });
  fromState.reset({ seed: 1 });
  for (let t = 0; t < 30; t++) assert.deepEqual(fromJson.step(t % 2), fromState.step(t % 2));
});

test("setTaskState takes μ as a number[] (rounded to float32, as the dynamics use it) or, as in earlier versions, a Float32Array", () => {
  const env = new MTCartPole();
  env.setTaskState([0.1, 0, 0, 0, 0]);
  assert.deepEqual(env.getTaskState(), [Math.fround(0.1), 0, 0, 0, 0]);
  const fromArray = env.parameters;
  env.setTaskState(Float32Array.of(0.1, 0, 0, 0, 0));
  assert.deepEqual(env.getTaskState(), [Math.fround(0.1), 0, 0, 0, 0]);
  assert.deepEqual(env.parameters, fromArray);
});

test("getTaskState returns a copy: mutating it does not change the task", () => {
  const env = cartPole([0.5, 0, 0, 0, 0]);
  const state = env.getTaskState();
  state[0] = -1;
  assert.equal(env.getTaskState()[0], 0.5);
  assert.equal(env.parameters.gravity, 12.3);
});
