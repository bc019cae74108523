import { test } from "node:test";
import assert from "node:assert/strict";
import { initMujoco } from "../../mujoco/runtime.js";
import { Observation } from "../observation-layout.js";
import { TabletopSimulation } from "../tabletop-simulation.js";
import type { GripperReadings, ManipulationTask, StepEvaluation } from "../task.js";
import { basketballTask } from "./basketball.js";
import { boxCloseTask } from "./box-close.js";
import { dialTurnTask } from "./dial-turn.js";
import { faucetCloseTask } from "./faucet-close.js";
import { doorLockTask } from "./door-lock.js";
import { doorUnlockTask } from "./door-unlock.js";
import { faucetOpenTask } from "./faucet-open.js";
import { shelfPlaceTask } from "./shelf-place.js";
import { close, hamacher, longTailAt } from "../testing/hand-worked-rewards.js";

await initMujoco();

/**
 * The rewards of dial-turn, faucet-open/close, door-lock/unlock, box-close, shelf-place and
 * basketball on hand-built states, against the reference's formulas worked by hand: every
 * expected number below is written as the arithmetic of the reference's terms, not computed by
 * the code under test.
 */

/** The Gaussian tolerance at `d` margins: exp(−½ (d · √(2 ln 10))²) = 10^(−d²). */
const gaussianAt = (margins: number): number => 10 ** -(margins * margins);

/** Gripper readings for a hand-built state (pads 5.6 cm either side of the TCP, as when open). */
function readings(overrides: Partial<GripperReadings>): GripperReadings {
  const tcp = overrides.tcp ?? Float64Array.of(0, 0.6, 0.15);
  return {
    tcp,
    padHighY: tcp[1]! + 0.056,
    padLowY: tcp[1]! - 0.056,
    initialTcp: Float64Array.of(0, 0.6, 0.15),
    initialPadHighY: 0.656,
    initialPadLowY: 0.544,
    gripperAction: 0,
    ...overrides,
  };
}

/** A 39-dim observation with object 1 at `object` and the goal at `goal` (hand and the rest as given). */
function observationOf(object: readonly number[], goal: readonly number[], extra: (observation: Float32Array) => void = () => {}): Float32Array {
  const observation = new Float32Array(Observation.size);
  observation.set(object, Observation.object1Position);
  observation[Observation.object1Quaternion] = 1;
  observation.set(goal, Observation.goal);
  extra(observation);
  return observation;
}

/** Scores hand-built states with the task bound to a real simulation of its scene. */
function withTask(task: ManipulationTask, body: (evaluate: (observation: Float32Array, initial: Float32Array, gripper: GripperReadings) => StepEvaluation) => void): void {
  const simulation = new TabletopSimulation(task);
  try {
    const bound = task.bind(simulation.simulation);
    body((observation, initial, gripper) => bound.evaluate(observation, initial, gripper));
  } finally {
    simulation.close();
  }
}

test("dial-turn: reward terms on hand-built states equal the reference's formulas, with no success override", () => {
  withTask(dialTurnTask, (evaluate) => {
    // Dial base (0, 0.7, 0) at angle 0: rim point (0, 0.65, 0), goal (0, 0.73, 0.03). ‖rim − goal‖
    // = √(0.08² + 0.03²) = √0.0073; the push point at reset (0.05, 0.67, 0.09) is √(0.05² + 0.06² +
    // 0.06²) = √0.0097 from the goal, so the in-place margin is √0.0097 − 0.07.
    const initial = observationOf([0, 0.65, 0], [0, 0.73, 0.03]);
    const inPlace = longTailAt((Math.sqrt(0.0073) - 0.07) / (Math.sqrt(0.0097) - 0.07));
    // TCP on the push point: near = 1; commanded closed (a = 1) the reach is Hamacher(1, 1) = 1 and
    // the reward 10 · Hamacher(1, in-place) = 10 · in-place; commanded open the reward is 0.
    const onPush = Float64Array.of(0.05, 0.67, 0.09);
    const closed = evaluate(initial, initial, readings({ tcp: onPush, gripperAction: 1 }));
    close(closed.reward, 10 * inPlace, "closed on the push point");
    close(closed.objectToTarget, Math.sqrt(0.0073), "rim to goal");
    assert.equal(closed.success, false);
    assert.equal(closed.nearObject, 1);
    assert.equal(evaluate(initial, initial, readings({ tcp: onPush, gripperAction: -1 })).reward, 0);
    // TCP 5 cm above the push point: near = Gaussian of (0.05 − 0.005) / (‖push − initial TCP‖ −
    // 0.005), ‖(0.05, 0.67, 0.09) − (0, 0.6, 0.15)‖ = √(0.0025 + 0.0049 + 0.0036) = √0.011.
    const above = evaluate(initial, initial, readings({ tcp: Float64Array.of(0.05, 0.67, 0.14), gripperAction: 1 }));
    const near = gaussianAt(0.045 / (Math.sqrt(0.011) - 0.005));
    close(above.graspReward, hamacher(near, 1), "reach 5 cm above");
    close(above.reward, 10 * hamacher(hamacher(near, 1), inPlace), "reward 5 cm above");
    // Turned a quarter turn clockwise: rim (−0.05, 0.7, 0), √(0.05² + 0.03² + 0.03²) = √0.0043 ≈
    // 0.066 ≤ 0.07 from the goal: success and in-place 1, yet no override: with a = 0.5 and the TCP
    // on the new push point (0, 0.72, 0.09), reach = Hamacher(1, 0.5) = 0.5, reward 10 · 0.5 = 5.
    const turned = observationOf([-0.05, 0.7, 0], [0, 0.73, 0.03]);
    const done = evaluate(turned, initial, readings({ tcp: Float64Array.of(0, 0.72, 0.09), gripperAction: 0.5 }));
    assert.equal(done.success, true);
    close(done.inPlaceReward, 1, "in-place when turned");
    close(done.reward, 5, "reward when turned (no override)");
  });
});

test("faucet-open and faucet-close: reward terms on hand-built states equal the reference's formulas, 10 on success", () => {
  // Both: base (0, 0.8, 0); the in-place margin is ‖(0.175, 0, 0.125)‖ − 0.07 = √0.04625 − 0.07, and
  // the reach margin ‖base − TCP at reset‖ − 0.01 = ‖(0, 0.4, −0.15)‖ − 0.01 = √0.1825 − 0.01.
  const inPlaceMargin = Math.sqrt(0.04625) - 0.07;
  const reachMargin = Math.sqrt(0.1825) - 0.01;
  const initialTcp = Float64Array.of(0, 0.4, 0.15);
  withTask(faucetOpenTask, (evaluate) => {
    // Lever at rest: observed point (−0.015, 0.625, 0.114); faucet-open reads it shifted by (−0.04,
    // 0, 0.03), at (−0.055, 0.625, 0.144): from the goal (0.175, 0.8, 0.125) √(0.23² + 0.175² +
    // 0.019²) = √0.083886. TCP on that point: reach 1, reward 2 · (2 + 3 · in-place).
    const atRest = observationOf([-0.015, 0.625, 0.114], [0.175, 0.8, 0.125]);
    const inPlace = longTailAt((Math.sqrt(0.083886) - 0.07) / inPlaceMargin);
    const onLever = evaluate(atRest, atRest, readings({ tcp: Float64Array.of(-0.055, 0.625, 0.144), initialTcp }));
    close(onLever.reward, 2 * (2 + 3 * inPlace), "faucet-open, TCP on the lever");
    close(onLever.objectToTarget, Math.sqrt(0.083886), "faucet-open lever to goal");
    assert.equal(onLever.nearObject, 1);
    // TCP 3 cm off in x: reach = Gaussian of (0.03 − 0.01) / margin.
    const off = evaluate(atRest, atRest, readings({ tcp: Float64Array.of(-0.025, 0.625, 0.144), initialTcp }));
    close(off.graspReward, gaussianAt(0.02 / reachMargin), "faucet-open reach 3 cm off");
    close(off.reward, 2 * (2 * gaussianAt(0.02 / reachMargin) + 3 * inPlace), "faucet-open reward 3 cm off");
    // Swung a quarter turn: observed (0.175, 0.785, 0.114), reward point (0.135, 0.785, 0.144),
    // √(0.04² + 0.015² + 0.019²) ≈ 0.047 ≤ 0.07 from the goal: success, and the reward is 10 with
    // the hand far away.
    const opened = evaluate(observationOf([0.175, 0.785, 0.114], [0.175, 0.8, 0.125]), atRest, readings({ initialTcp }));
    assert.equal(opened.success, true);
    assert.equal(opened.reward, 10);
  });
  withTask(faucetCloseTask, (evaluate) => {
    // Lever at rest: observed point (0.015, 0.625, 0.114), read as is; goal (−0.175, 0.8, 0.125):
    // √(0.19² + 0.175² + 0.011²) = √0.066846 away. TCP still at its start (0, 0.4, 0.15):
    // ‖(0.015, 0.225, −0.036)‖ = √0.052146 from the lever.
    const atRest = observationOf([0.015, 0.625, 0.114], [-0.175, 0.8, 0.125]);
    const inPlace = longTailAt((Math.sqrt(0.066846) - 0.07) / inPlaceMargin);
    const reach = gaussianAt((Math.sqrt(0.052146) - 0.01) / reachMargin);
    const start = evaluate(atRest, atRest, readings({ tcp: initialTcp, initialTcp, gripperAction: 1 }));
    close(start.reward, 2 * (2 * reach + 3 * inPlace), "faucet-close at the start");
    assert.equal(start.success, false);
    // Swung a quarter turn the other way: observed (−0.175, 0.785, 0.114), 1.9 cm from the goal.
    const closed = evaluate(observationOf([-0.175, 0.785, 0.114], [-0.175, 0.8, 0.125]), atRest, readings({ initialTcp }));
    assert.equal(closed.success, true);
    assert.equal(closed.reward, 10);
  });
});

test("door-lock and door-unlock: reward terms on hand-built states equal the reference's formulas, with no success override", () => {
  // Both: safe base (0, 0.85, 0.15), so the lever's pivot is at (0, 0.732, 0.211).
  const initialTcp = Float64Array.of(0, 0.6, 0.15);
  withTask(doorLockTask, (evaluate) => {
    // Lever level: observed point pivot + (0.09, −0.04, 0.01) = (0.09, 0.692, 0.221); goal pivot +
    // (0, −0.04, −0.1) = (0, 0.692, 0.111): 0.11 apart in z, pressed = long tail of (0.11 − 0.005) / 0.1.
    // The pad point is (TCP x, +y pad's y = TCP y + 0.056, hand z); at reset the hand was at (0, 0.6,
    // 0.2), so the near margin is ‖(0.09 · 0.25, 0.692 − 0.656, 0.021 · 0.5)‖ = √0.0019125.
    const withHand = (hand: readonly number[]): Float32Array =>
      observationOf([0.09, 0.692, 0.221], [0, 0.692, 0.111], (observation) => {
        observation[Observation.gripperOpening] = 0.6;
        observation.set(hand, Observation.hand);
      });
    const initial = withHand([0, 0.6, 0.2]);
    const pressed = longTailAt(1.05);
    // Pad right on the point: near = 1, reward 2 · Hamacher(0.6, 1) + 8 · pressed.
    const onPoint = evaluate(withHand([0.09, 0.636, 0.221]), initial, readings({ tcp: Float64Array.of(0.09, 0.636, 0.171), initialTcp }));
    close(onPoint.reward, 2 * 0.6 + 8 * pressed, "door-lock, pad on the point");
    close(onPoint.objectToTarget, 0.11, "door-lock height to goal");
    assert.equal(onPoint.success, false);
    // Pad point at (0.05, 0.692, 0.2): scaled offset (0.04 · 0.25, 0, 0.021 · 0.5), √0.00021025.
    const near = longTailAt((Math.sqrt(0.00021025) - 0.01) / Math.sqrt(0.0019125));
    const off = evaluate(withHand([0.05, 0.636, 0.2]), initial, readings({ tcp: Float64Array.of(0.05, 0.636, 0.15), initialTcp }));
    close(off.graspReward, near, "door-lock near term");
    close(off.reward, 2 * hamacher(0.6, near) + 8 * pressed, "door-lock reward, pad off the point");
    // Locked (lever pointing down): observed z = 0.211 − 0.09 = 0.121, 1 cm from the goal: success,
    // yet no override: with the gripper shut (opening 0) the reward is 8 · long tail of 0.005 / 0.1.
    const locked = evaluate(observationOf([-0.01, 0.692, 0.121], [0, 0.692, 0.111]), initial, readings({ initialTcp }));
    assert.equal(locked.success, true);
    close(locked.reward, 8 / 1.0225, "door-lock reward when locked");
  });
  withTask(doorUnlockTask, (evaluate) => {
    // Lever down: observed point pivot + (−0.01, −0.04, −0.09) = (−0.01, 0.692, 0.121); goal pivot +
    // (0.1, −0.04, 0) = (0.1, 0.692, 0.211): 0.11 apart in x. The shoulder (hand + (0, 0.055, 0.07))
    // on the point: ready = 1, reward 2 + 8 · pushed.
    const down = observationOf([-0.01, 0.692, 0.121], [0.1, 0.692, 0.211], (observation) => observation.set([-0.01, 0.637, 0.051], Observation.hand));
    const pushed = longTailAt(1.05);
    close(evaluate(down, down, readings({ initialTcp })).reward, 2 + 8 * pushed, "door-unlock, shoulder on the point");
    // Hand at (0, 0.6, 0.2): scaled shoulder offset (0.01 · 0.25, −0.037, 0.149 · 0.5), √0.0069255;
    // margin from the TCP at reset to the pivot: (0, −0.077, 0.009 · 0.5), √0.00594925.
    const far = observationOf([-0.01, 0.692, 0.121], [0.1, 0.692, 0.211], (observation) => observation.set([0, 0.6, 0.2], Observation.hand));
    const ready = longTailAt((Math.sqrt(0.0069255) - 0.02) / Math.sqrt(0.00594925));
    const start = evaluate(far, down, readings({ initialTcp }));
    close(start.graspReward, ready, "door-unlock ready term");
    close(start.reward, 2 * ready + 8 * pushed, "door-unlock reward, hand at its start");
    // Level again: observed x 0.09, 1 cm from the goal: success, no override (2 · ready + 8 · long tail of 0.005 / 0.1).
    const level = observationOf([0.09, 0.692, 0.201], [0.1, 0.692, 0.211], (observation) => observation.set([0, 0.6, 0.2], Observation.hand));
    const unlocked = evaluate(level, down, readings({ initialTcp }));
    assert.equal(unlocked.success, true);
    const readyLevel = longTailAt((Math.hypot(0.09 * 0.25, -0.037, 0.069 * 0.5) - 0.02) / Math.sqrt(0.00594925));
    close(unlocked.reward, 2 * readyLevel + 8 / 1.0225, "door-unlock reward when unlocked");
  });
});

test("box-close: reward terms on hand-built states equal the reference's formulas, 10 on success, all scaled by the lid's uprightness", () => {
  withTask(boxCloseTask, (evaluate) => {
    // Lid at (0, 0.5, 0.01), turned a quarter turn about z: ‖q − (0.707, 0, 0, 0.707)‖ = √2 · (√½ −
    // 0.707), so upright = 1 − that / 0.2. Its handle point is lid + (0, 0, 0.02) = (0, 0.5, 0.03),
    // not above 0.04, and ‖(0, 0.25, 3 · 0.103)‖ = √0.157981 from the goal (0, 0.75, 0.133).
    const lidAt = (position: readonly number[], quaternion: readonly number[], hand: readonly number[]): Float32Array =>
      observationOf(position, [0, 0.75, 0.133], (observation) => {
        observation.set(quaternion, Observation.object1Quaternion);
        observation.set(hand, Observation.hand);
      });
    const quarterTurn = [Math.SQRT1_2, 0, 0, Math.SQRT1_2];
    const upright = 1 - (Math.SQRT2 * (Math.SQRT1_2 - 0.707)) / 0.2;
    const lifted = 0.8 * longTailAt((Math.sqrt(0.157981) - 0.05) / 0.25);
    // Hand 2 cm above the handle point: floor 0, near 1, ready 1; closing (a = 1) grab = 1:
    // (2 · Hamacher(1, 1) + 8 · lifted) · upright; opening (a = −1) grab = 0: 8 · lifted · upright.
    const onHandle = lidAt([0, 0.5, 0.01], quarterTurn, [0, 0.5, 0.05]);
    close(evaluate(onHandle, onHandle, readings({ gripperAction: 1 })).reward, (2 + 8 * lifted) * upright, "box-close, closing on the handle");
    const open = evaluate(onHandle, onHandle, readings({ gripperAction: -1 }));
    close(open.reward, 8 * lifted * upright, "box-close, open on the handle");
    assert.equal(open.graspSuccess, false);
    assert.equal(open.objectToTarget, 0);
    // Hand 10 cm off in x and low (z 0.05): floor = 0.04 · ln(0.1 − 0.02) + 0.4, above it by long tail
    // of (floor − 0.05 − 0.01) / (floor / 2); near = long tail of (‖(0.1, 0, 0.02)‖ − 0.02) / 0.5;
    // a = 0 gives grab 0.5.
    const floor = 0.04 * Math.log(0.08) + 0.4;
    const ready = hamacher(longTailAt((floor - 0.06) / (floor / 2)), longTailAt((Math.hypot(0.1, 0.02) - 0.02) / 0.5));
    const low = lidAt([0, 0.5, 0.01], quarterTurn, [0.1, 0.5, 0.05]);
    const lowResult = evaluate(low, low, readings({ gripperAction: 0 }));
    close(lowResult.nearObject, ready, "box-close ready term");
    close(lowResult.reward, (2 * hamacher(0.5, ready) + 8 * lifted) * upright, "box-close, hand low and off");
    // Lid held 3.3 cm below the goal: success, reward 10 · upright; the same lid tilted back to the
    // identity quaternion is ‖(0.293, 0, 0, −0.707)‖ > 0.2 from upright, so its reward is 0.
    const held = lidAt([0, 0.75, 0.1], quarterTurn, [0, 0.75, 0.23]);
    const success = evaluate(held, held, readings({ gripperAction: 1 }));
    assert.equal(success.success, true);
    close(success.reward, 10 * upright, "box-close reward on success");
    const flipped = lidAt([0, 0.75, 0.1], [1, 0, 0, 0], [0, 0.75, 0.23]);
    assert.equal(evaluate(flipped, flipped, readings({ gripperAction: 1 })).reward, 0);
  });
});

test("shelf-place: reward terms on hand-built states equal the reference's formulas, with its docking in front of the shelf and 10 within 5 cm", () => {
  withTask(shelfPlaceTask, (evaluate) => {
    // Block starts at (0, 0.55, 0.02), goal (0, 0.85, 0.3): ‖(0, 0.3, 0.28)‖ = √0.1684 apart, the
    // in-place margin. Pads 3 cm either side of the block (inside [0.02, 0.05]) and the TCP on it:
    // caging 1 > 0.97, so with a = 1 the grasp term is Hamacher(1, 1) = 1.
    const start = observationOf([0, 0.55, 0.02], [0, 0.85, 0.3]);
    const pinching = (y: number, z: number): GripperReadings =>
      readings({ tcp: Float64Array.of(0, y, z), padHighY: y + 0.03, padLowY: y - 0.03, initialPadHighY: 0.656, initialPadLowY: 0.544, gripperAction: 1 });
    const atStart = evaluate(start, start, pinching(0.55, 0.02));
    close(atStart.graspReward, 1, "shelf-place grasp");
    close(atStart.reward, longTailAt((Math.sqrt(0.1684) - 0.05) / Math.sqrt(0.1684)), "shelf-place reward at the start (Hamacher(1, in-place))");
    // Lifted to (0, 0.75, 0.2), in front of the shelf below its board, obs[3] = 0.3: in-place =
    // long tail of (√0.02 − 0.05) / √0.1684; the reward is Hamacher(1, in-place) = in-place plus
    // 1 + 5 · docked, docked = in-place − Hamacher((0.75 − 0.7) / 0.15, (0.24 − 0.2) / 0.24).
    const lifted = observationOf([0, 0.75, 0.2], [0, 0.85, 0.3], (observation) => (observation[Observation.gripperOpening] = 0.3));
    const inPlace = longTailAt((Math.sqrt(0.02) - 0.05) / Math.sqrt(0.1684));
    const docked = inPlace - hamacher(1 / 3, 1 / 6);
    const carrying = evaluate(lifted, start, pinching(0.75, 0.2));
    close(carrying.inPlaceReward, docked, "shelf-place docked in-place");
    close(carrying.reward, inPlace + 1 + 5 * docked, "shelf-place reward while carrying");
    // Behind the goal at that height the in-place term is 0.
    const behind = evaluate(observationOf([0, 0.9, 0.1], [0, 0.85, 0.3]), start, pinching(0.9, 0.1));
    assert.equal(behind.inPlaceReward, 0);
    // On the board, 3 cm below the goal: 10, and a success.
    const placed = evaluate(observationOf([0, 0.85, 0.27], [0, 0.85, 0.3]), start, readings({}));
    assert.equal(placed.reward, 10);
    assert.equal(placed.success, true);
  });
});

test("basketball: reward terms on hand-built states equal the reference's formulas, with its held override and 10 within 8 cm", () => {
  withTask(basketballTask, (evaluate) => {
    // Hoop centre (goal) (0, 0.8, 0.25), so the target is (0, 0.8, 0.3); the ball starts at (0, 0.65,
    // 0.03): ‖(0, −0.15, 2 · −0.27)‖ = √0.3141, the in-place margin.
    const start = observationOf([0, 0.65, 0.03], [0, 0.8, 0.25], (observation) => (observation[Observation.gripperOpening] = 1));
    // At the start, hand at its start (TCP (0, 0.6, 0.15), pads at y 0.656 and 0.544): the +y pad is
    // 0.006 from the ball in y, 0.019 inside the 0.025 radius, margin |0.006 − 0.06|; the −y pad is
    // 0.106 away, 0.046 beyond 0.06, margin 0.046 (one margin: 0.1); x–z: 0.12 away, 0.115 beyond
    // 5 mm, margin 0.12 − 0.005 (0.1). Caging = Hamacher(Hamacher(pads), x–z) < 0.97, so gripping is
    // 0 and the high-density grasp is caging / 2; reward Hamacher(grasp, in-place at the start).
    const caging = hamacher(hamacher(longTailAt(0.019 / 0.054), 0.1), 0.1);
    const inPlaceAtStart = longTailAt((Math.sqrt(0.3141) - 0.08) / Math.sqrt(0.3141));
    const atStart = evaluate(start, start, readings({ gripperAction: 1 }));
    close(atStart.graspReward, caging / 2, "basketball grasp at the start");
    close(atStart.reward, hamacher(caging / 2, inPlaceAtStart), "basketball reward at the start");
    // Held 7 cm up (TCP on the ball, obs[3] = 0.3): grasp is overridden to 1 and the reward is
    // Hamacher(1, in-place) + 1 + 5 · in-place, in-place = long tail of (‖(0, −0.15, 2 · −0.2)‖ − 0.08)
    // / √0.3141, ‖·‖ = √0.1825.
    const lifted = observationOf([0, 0.65, 0.1], [0, 0.8, 0.25], (observation) => (observation[Observation.gripperOpening] = 0.3));
    const inPlace = longTailAt((Math.sqrt(0.1825) - 0.08) / Math.sqrt(0.3141));
    const held = evaluate(lifted, start, readings({ tcp: Float64Array.of(0, 0.65, 0.1), gripperAction: 1 }));
    close(held.graspReward, 1, "basketball held grasp");
    close(held.reward, 1 + 6 * inPlace, "basketball reward while held");
    assert.equal(held.graspSuccess, true);
    // 2 cm above the target: scaled distance 0.04 < 0.08, reward 10 and success.
    const over = evaluate(observationOf([0, 0.8, 0.32], [0, 0.8, 0.25]), start, readings({}));
    close(over.objectToTarget, 0.04, "basketball scaled distance");
    assert.equal(over.reward, 10);
    assert.equal(over.success, true);
  });
});
