import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, InvalidTaskStateError } from "../../core/errors.js";
import { findTaskSet } from "../../core/task-set.js";
import { make } from "../../registry/registry.js";
import { MTPendulum, PENDULUM_DEFAULT_TASKS, normalizeAngle, type PendulumTask } from "./pendulum.js";
import "./register.js";

function pendulum(task: PendulumTask): MTPendulum {
  const env = new MTPendulum();
  env.setTaskState(task);
  return env;
}

function stepFrom(task: PendulumTask, theta: number, thetaDot: number, torque: number): [Float32Array, number] {
  const env = pendulum(task);
  env.reset({ seed: 0, options: { initialState: [theta, thetaDot] } });
  const [observation, reward] = env.step(Float32Array.of(torque));
  return [observation.envObs, reward];
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `[${i}]: expected ${expected[i]}, got ${actual[i]}`);
  }
}

test("the classic task reproduces Gym's Pendulum-v1 step (numbers computed independently)", () => {
  const [envObs, reward] = stepFrom({ mass: 1, length: 1, gravity: 10 }, 1.0, 0.5, 1.5);
  assertClose(envObs, [0.48204838409011624, 0.8761445973103457, 1.3561032386059226], 1e-7);
  assert.ok(Math.abs(reward - -1.02725) < 1e-12, `reward ${reward}`);
});

test("one step of a varied task matches the pendulum equations computed by hand", () => {
  const [mass, length, gravity] = [1.1, 0.9, 9.5];
  const [theta, thetaDot, torque, dt] = [2.5, -0.7, -1.25, 0.05];
  const newThetaDot = thetaDot + ((3 * gravity) / (2 * length) * Math.sin(theta) + (3 / (mass * length ** 2)) * torque) * dt;
  const newTheta = theta + newThetaDot * dt;
  const cost = theta ** 2 + 0.1 * thetaDot ** 2 + 0.001 * torque ** 2;
  const [envObs, reward] = stepFrom({ mass, length, gravity }, theta, thetaDot, torque);
  assertClose(envObs, [Math.cos(newTheta), Math.sin(newTheta), newThetaDot], 1e-7);
  assert.ok(Math.abs(reward + cost) < 1e-12, `reward ${reward}, expected ${-cost}`);
});

test("torques outside [−2, 2] are clipped before the dynamics and the cost", () => {
  const task = { mass: 1, length: 1, gravity: 10 };
  const [clippedObs, clippedReward] = stepFrom(task, 0.3, 0.1, 5);
  const [limitObs, limitReward] = stepFrom(task, 0.3, 0.1, 2);
  assert.deepEqual(clippedObs, limitObs);
  assert.equal(clippedReward, limitReward);
  assert.ok(Math.abs(limitReward - -(0.3 ** 2 + 0.1 * 0.1 ** 2 + 0.001 * 4)) < 1e-12);
  assert.deepEqual(stepFrom(task, 0.3, 0.1, -9)[0], stepFrom(task, 0.3, 0.1, -2)[0]);
});

test("the angle cost wraps θ into [−π, π) and the speed is clipped at 8", () => {
  const task = { mass: 1, length: 1, gravity: 10 };
  assert.ok(Math.abs(stepFrom(task, 0.3 + 4 * Math.PI, 0, 0)[1] - stepFrom(task, 0.3, 0, 0)[1]) < 1e-9);
  assert.equal(normalizeAngle(Math.PI), -Math.PI);
  assert.ok(Math.abs(normalizeAngle(-3 * Math.PI / 2) - Math.PI / 2) < 1e-12);
  assert.equal(stepFrom(task, 1.5, 7.9, 2)[0][2], 8);
  assert.equal(stepFrom(task, -1.5, -7.9, -2)[0][2], -8);
});

test("the default tasks are the four documented ones, inside the solvable ranges", () => {
  assert.equal(PENDULUM_DEFAULT_TASKS.length, 4);
  assert.deepEqual(PENDULUM_DEFAULT_TASKS[0], { mass: 1, length: 1, gravity: 10 }, "task 0 is classic Pendulum");
  for (const task of PENDULUM_DEFAULT_TASKS) {
    assert.ok(task.mass >= 0.8 && task.mass <= 1.2 && task.length >= 0.8 && task.length <= 1.2 && task.gravity >= 8 && task.gravity <= 12, JSON.stringify(task));
  }
  const env = new MTPendulum();
  assert.deepEqual(env.tasks, PENDULUM_DEFAULT_TASKS);
  assert.deepEqual(findTaskSet(make("MT-Pendulum-v0")), PENDULUM_DEFAULT_TASKS, "a trainer finds them through the time limit");
});

test("sampleTaskState draws only the listed tasks, each of them, from the task stream", () => {
  const env = new MTPendulum();
  env.seedTask(5);
  const seen = new Set<string>();
  for (let i = 0; i < 60; i++) seen.add(JSON.stringify(env.sampleTaskState()));
  assert.deepEqual([...seen].sort(), PENDULUM_DEFAULT_TASKS.map((task) => JSON.stringify(task)).sort());
  const custom = new MTPendulum({ tasks: [{ mass: 0.5, length: 1.5, gravity: 15 }] });
  custom.seedTask(0);
  assert.deepEqual(custom.sampleTaskState(), { mass: 0.5, length: 1.5, gravity: 15 });
});

test("taskObs is mass, length and gravity normalised to [−1, 1]", () => {
  assert.deepEqual(pendulum({ mass: 1, length: 1, gravity: 10 }).getTaskObs(), Float32Array.of(0, 0, 0));
  assert.deepEqual(pendulum({ mass: 1.5, length: 0.5, gravity: 12.5 }).getTaskObs(), Float32Array.of(1, -1, 0.5));
  const env = new MTPendulum();
  for (const task of PENDULUM_DEFAULT_TASKS) {
    env.setTaskState(task);
    assert.ok(env.observationSpace.spaces.taskObs.contains(env.getTaskObs()));
  }
});

test("distinct tasks give different dynamics from the same seed", () => {
  const trace = (task: PendulumTask): number[] => {
    const env = pendulum(task);
    env.reset({ seed: 9 });
    return Array.from({ length: 5 }, () => [...env.step(Float32Array.of(1))[0].envObs]).flat();
  };
  const traces = PENDULUM_DEFAULT_TASKS.map((task) => JSON.stringify(trace(task)));
  assert.equal(new Set(traces).size, 4);
});

test("out-of-range tasks are rejected: kwargs by path, task states with the ranges", () => {
  assert.throws(() => make("MT-Pendulum-v0", { tasks: [{ mass: 1, length: 2, gravity: 10 }] }), (e: unknown) => e instanceof ConfigError && /kwargs\.tasks\.0\.length/.test(e.message));
  assert.throws(() => new MTPendulum({ tasks: [] }), (e: unknown) => e instanceof ConfigError && /options\.tasks/.test(e.message));
  assert.throws(
    () => new MTPendulum().setTaskState({ mass: 3, length: 1, gravity: 10 }),
    (e: unknown) => e instanceof InvalidTaskStateError && /mass in \[0\.5, 1\.5\]/.test(e.message) && /"mass":3/.test(e.message),
  );
  assert.throws(() => new MTPendulum().setTaskState({ mass: 1, length: 1 } as never), InvalidTaskStateError);
});

test("registered with a 200-step limit and never terminating by itself", () => {
  const env = make("MT-Pendulum-v0");
  env.seedTask(0);
  env.resetTaskState();
  env.reset({ seed: 0 });
  let steps = 0;
  for (;;) {
    const [, , terminated, truncated] = env.step(Float32Array.of(0));
    steps += 1;
    assert.equal(terminated, false);
    if (truncated) break;
  }
  assert.equal(steps, 200);
});
