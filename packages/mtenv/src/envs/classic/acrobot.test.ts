import { test } from "node:test";
import assert from "node:assert/strict";
import { make } from "../../registry/registry.js";
import { TimeLimit } from "../../wrappers/time-limit.js";
import { ACROBOT_GRAVITY, ACROBOT_TIME_STEP, MTAcrobot, acrobotDerivative, acrobotParameters, type AcrobotParameters } from "./acrobot.js";
import { RungeKutta4 } from "./runge-kutta.js";
import "./register.js";

function acrobot(mu: number[]): MTAcrobot {
  const env = new MTAcrobot();
  env.setTaskState(Float32Array.from(mu));
  return env;
}

/** [θ1, θ2, θ̇1, θ̇2] read back from an observation. */
function stateOf(envObs: Float32Array): [number, number, number, number] {
  return [Math.atan2(envObs[1]!, envObs[0]!), Math.atan2(envObs[3]!, envObs[2]!), envObs[4]!, envObs[5]!];
}

/**
 * The acrobot as a manipulator, M(q)·q̈ + h(q, q̇) + G(q) = [0, τ], derived here from the
 * Lagrangian (not from the env's "book" formulas), solved with a 2×2 inverse.
 */
function manipulatorAcceleration(p: AcrobotParameters, torque: number, s: ArrayLike<number>): [number, number] {
  const { linkMass1: m1, linkMass2: m2, linkLength1: l1, centreOfMass1: c1, centreOfMass2: c2, inertia1: i1, inertia2: i2 } = p;
  const [q1, q2, v1, v2] = [s[0]!, s[1]!, s[2]!, s[3]!];
  const g = ACROBOT_GRAVITY;
  const m11 = m1 * c1 ** 2 + m2 * (l1 ** 2 + c2 ** 2 + 2 * l1 * c2 * Math.cos(q2)) + i1 + i2;
  const m12 = m2 * (c2 ** 2 + l1 * c2 * Math.cos(q2)) + i2;
  const m22 = m2 * c2 ** 2 + i2;
  const h1 = -m2 * l1 * c2 * Math.sin(q2) * (2 * v1 * v2 + v2 ** 2);
  const h2 = m2 * l1 * c2 * Math.sin(q2) * v1 ** 2;
  const g1 = (m1 * c1 + m2 * l1) * g * Math.sin(q1) + m2 * c2 * g * Math.sin(q1 + q2);
  const g2 = m2 * c2 * g * Math.sin(q1 + q2);
  const r1 = -h1 - g1;
  const r2 = torque - h2 - g2;
  const det = m11 * m22 - m12 * m12;
  return [(m22 * r1 - m12 * r2) / det, (m11 * r2 - m12 * r1) / det];
}

/** Total mechanical energy (kinetic ½ q̇ᵀMq̇ + potential, zero at the pivot's height). */
function energy(p: AcrobotParameters, s: ArrayLike<number>): number {
  const { linkMass1: m1, linkMass2: m2, linkLength1: l1, centreOfMass1: c1, centreOfMass2: c2, inertia1: i1, inertia2: i2 } = p;
  const [q1, q2, v1, v2] = [s[0]!, s[1]!, s[2]!, s[3]!];
  const m11 = m1 * c1 ** 2 + m2 * (l1 ** 2 + c2 ** 2 + 2 * l1 * c2 * Math.cos(q2)) + i1 + i2;
  const m12 = m2 * (c2 ** 2 + l1 * c2 * Math.cos(q2)) + i2;
  const m22 = m2 * c2 ** 2 + i2;
  const kinetic = 0.5 * (m11 * v1 ** 2 + 2 * m12 * v1 * v2 + m22 * v2 ** 2);
  const potential = -ACROBOT_GRAVITY * ((m1 * c1 + m2 * l1) * Math.cos(q1) + m2 * c2 * Math.cos(q1 + q2));
  return kinetic + potential;
}

test("RK4 is fourth order: halving dt divides the one-step error of x'' = −x by about 32", () => {
  const oscillator = (y: Float64Array, out: Float64Array): void => {
    out[0] = y[1]!;
    out[1] = -y[0]!;
  };
  const oneStepError = (dt: number): number => {
    const y = Float64Array.of(1, 0);
    new RungeKutta4(2).step(oscillator, y, dt);
    return Math.hypot(y[0]! - Math.cos(dt), y[1]! + Math.sin(dt));
  };
  const ratio = oneStepError(0.2) / oneStepError(0.1);
  assert.ok(ratio > 28 && ratio < 36, `error ratio ${ratio}, expected ≈ 32 for a 4th-order method`);
});

test("one env step equals RK4 over the Lagrangian equations of motion (independent derivation)", () => {
  const mu = [0.25, -0.5, 0.5, -0.25, 0, 0, 1];
  const p = acrobotParameters(mu);
  const start = [0.4, -0.3, 0.5, -1.2];
  const env = acrobot(mu);
  env.reset({ seed: 0, options: { initialState: start } });
  const [observation] = env.step(2); // μ6 > 0: action 2 is torque +1
  const y = Float64Array.from(start);
  new RungeKutta4(4).step(
    (s, out) => {
      const [a1, a2] = manipulatorAcceleration(p, 1, s);
      out.set([s[2]!, s[3]!, a1, a2]);
    },
    y,
    ACROBOT_TIME_STEP,
  );
  const got = stateOf(observation.envObs);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(got[i]! - y[i]!) < 1e-5, `state[${i}]: expected ${y[i]}, got ${got[i]}`);
});

test("with zero torque the book equations conserve energy: finely integrated, every task drifts < 1e-6", () => {
  for (const mu of [[0, 0, 0, 0, 0, 0, 1], [0.8, -0.6, -0.4, 0.9, 0, 0, -1], [-1, -1, -1, -1, 0, 0, 1], [1, 1, 1, 1, 0, 0, 1]]) {
    const p = acrobotParameters(mu);
    const y = Float64Array.of(1.0, 0.5, 0, 0);
    const initial = energy(p, y);
    const integrator = new RungeKutta4(4);
    let worst = 0;
    for (let t = 0; t < 1000; t++) {
      integrator.step((s, out) => acrobotDerivative(p, 0, s, out), y, 0.01);
      worst = Math.max(worst, Math.abs(energy(p, y) - initial));
    }
    assert.ok(worst < 1e-6 * Math.abs(initial), `energy drifted by ${worst} J from ${initial} J for μ=${mu}`);
  }
});

test("env steps (one RK4 step of 0.2 s) keep the classic acrobot's energy within 2 % over 10 s", () => {
  const mu = [0, 0, 0, 0, 0, 0, 1];
  const p = acrobotParameters(mu);
  const env = acrobot(mu);
  const start = [1.0, 0.5, 0, 0];
  env.reset({ seed: 0, options: { initialState: start } });
  const initial = energy(p, start);
  let worst = 0;
  for (let t = 0; t < 50; t++) {
    const [observation, , terminated] = env.step(1); // action 1 is torque 0 in either order
    assert.equal(terminated, false);
    worst = Math.max(worst, Math.abs(energy(p, stateOf(observation.envObs)) - initial));
  }
  // Measured ≈ 0.9 %; a wrong sign or a missing term drifts by tens of percent.
  assert.ok(worst < 0.02 * Math.abs(initial), `energy drifted by ${worst} J from ${initial} J`);
});

test("μ6 > 0 keeps the torque order [−1, 0, +1]; μ6 ≤ 0 flips it", () => {
  const elbowSpeedAfter = (mu6: number, action: number): number => {
    const env = acrobot([0, 0, 0, 0, 0, 0, mu6]);
    env.reset({ seed: 0, options: { initialState: [0, 0, 0, 0] } });
    return env.step(action)[0].envObs[5]!;
  };
  assert.ok(elbowSpeedAfter(0.5, 2) > 0 && elbowSpeedAfter(0.5, 0) < 0);
  assert.ok(elbowSpeedAfter(-0.5, 2) < 0 && elbowSpeedAfter(-0.5, 0) > 0);
  assert.ok(elbowSpeedAfter(0, 2) < 0, "μ6 = 0 is not > 0, so the order is flipped");
  assert.ok(Math.abs(elbowSpeedAfter(0.5, 1)) < 1e-12, "hanging still with no torque stays still");
});

test("link lengths and masses 1 ± 0.5 all change the dynamics; μ4 and μ5 do not", () => {
  const trace = (mu: number[]): number[] => {
    const env = acrobot(mu);
    env.reset({ seed: 4 });
    return Array.from({ length: 10 }, (_, t) => [...env.step(t % 3)[0].envObs]).flat();
  };
  const base = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
  for (let i = 0; i < 4; i++) {
    const changed = [...base];
    changed[i] = -0.3;
    assert.notDeepEqual(trace(changed), trace(base), `μ${i} should change the dynamics`);
  }
  assert.deepEqual(trace([0.1, 0.2, 0.3, 0.4, -0.9, 0.9, 0.7]), trace(base), "μ4 and μ5 are unused");
  const p = acrobotParameters([1, -1, 1, -1, 0, 0, 1]);
  assert.deepEqual([p.linkLength1, p.linkLength2, p.linkMass1, p.linkMass2], [1.5, 0.5, 1.5, 0.5]);
  assert.deepEqual([p.centreOfMass1, p.inertia1], [0.75, 1.5 * 1.5 * 1.5]);
});

test("reaching the goal height terminates with reward 0; otherwise −1 per step", () => {
  const env = acrobot([0, 0, 0, 0, 0, 0, 1]);
  env.reset({ seed: 0, options: { initialState: [Math.PI - 0.05, 0, 0, 0] } });
  assert.deepEqual(env.step(1).slice(1, 3), [0, true]);
  env.reset({ options: { initialState: [0, 0, 0, 0] } });
  assert.deepEqual(env.step(1).slice(1, 3), [-1, false]);
});

test("taskObs is the 7-dim μ (the reference's Box(5) fixed) and sampled tasks lie in it", () => {
  const env = new MTAcrobot();
  env.seedTask(3);
  for (let i = 0; i < 200; i++) {
    env.resetTaskState();
    assert.equal(env.getTaskObs().length, 7);
    assert.ok(env.observationSpace.spaces.taskObs.contains(env.getTaskObs()));
  }
});

test("MT-Acrobat-v0, the reference's misspelling, builds the same acrobot with a 500-step limit", () => {
  const env = make("MT-Acrobat-v0");
  assert.ok(env instanceof TimeLimit && env.maxEpisodeSteps === 500);
  assert.ok(env.unwrapped instanceof MTAcrobot);
});
