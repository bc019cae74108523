import { test } from "node:test";
import assert from "node:assert/strict";
import { initMujoco } from "../../mujoco/runtime.js";
import { Observation } from "../observation-layout.js";
import { TabletopSimulation } from "../tabletop-simulation.js";
import type { GripperReadings, ManipulationTask, StepEvaluation, TaskConfiguration } from "../task.js";
import { assemblyInPlace, assemblyTask, ringAroundPeg } from "./assembly.js";
import { binPickingTask } from "./bin-picking.js";
import { disassembleTask } from "./disassemble.js";
import { evaluateHammer } from "./hammer.js";
import { pegUnplugSideTask } from "./peg-unplug-side.js";
import { pickOutOfHoleTask } from "./pick-out-of-hole.js";
import { stickPullTask } from "./stick-pull.js";
import { stickPushTask } from "./stick-push.js";
import { close, gripperReadings, hamacher, longTailAt } from "../testing/hand-worked-rewards.js";

/**
 * The rewards of the tool and bin tasks (pick-out-of-hole, bin-picking, the sticks, hammer,
 * peg-unplug-side, disassemble, assembly) on hand-built states, against the reference's formulas
 * worked by hand: the expected numbers below are written as the arithmetic of those formulas, not
 * computed with the code under test.
 */

await initMujoco();


/** A hand-built state: the observation, the observation at reset, and the gripper readings. */
interface HandBuiltState {
  readonly observation: Float32Array;
  readonly initial: Float32Array;
  readonly gripper: GripperReadings;
}

function state(parts: { object: number[]; objectStart: number[]; goal: number[]; hand?: number[]; quaternion?: number[]; object2?: number[]; object2Start?: number[]; opening?: number; gripper: Partial<GripperReadings> }): HandBuiltState {
  const observation = new Float32Array(Observation.size);
  const initial = new Float32Array(Observation.size);
  if (parts.hand !== undefined) observation.set(parts.hand, Observation.hand);
  observation.set(parts.quaternion ?? [1, 0, 0, 0], Observation.object1Quaternion);
  observation.set(parts.object, Observation.object1Position);
  initial.set(parts.objectStart, Observation.object1Position);
  if (parts.object2 !== undefined) observation.set(parts.object2, Observation.object2Position);
  if (parts.object2Start !== undefined) initial.set(parts.object2Start, Observation.object2Position);
  observation.set(parts.goal, Observation.goal);
  initial.set(parts.goal, Observation.goal);
  observation[Observation.gripperOpening] = parts.opening ?? 1;
  initial[Observation.gripperOpening] = 1;
  return {
    observation,
    initial,
    gripper: gripperReadings(parts.gripper),
  };
}

/** Scores hand-built states with the task's reward (a simulation is needed only to bind the task). */
function evaluateStates(task: ManipulationTask, states: readonly HandBuiltState[]): StepEvaluation[] {
  const simulation = new TabletopSimulation(task);
  try {
    const bound = task.bind(simulation.simulation);
    return states.map(({ observation, initial, gripper }) => bound.evaluate(observation, initial, gripper));
  } finally {
    simulation.close();
  }
}

/**
 * Scores hand-built states with the simulation's objects placed for `configuration` first, for
 * rewards that also read a point of the scene (the wrench's ring centre).
 */
function evaluateStatesPlaced(task: ManipulationTask, configuration: TaskConfiguration, states: readonly HandBuiltState[]): StepEvaluation[] {
  const simulation = new TabletopSimulation(task);
  try {
    const bound = task.bind(simulation.simulation);
    bound.reset(configuration);
    simulation.simulation.forward();
    return states.map(({ observation, initial, gripper }) => bound.evaluate(observation, initial, gripper));
  } finally {
    simulation.close();
  }
}


test("pick-out-of-hole: the reward on hand-built states equals the reference's formula worked by hand", () => {
  // Puck started at (0, 0.75, 0.02), goal (0, 0.55, 0.2): in-place margin √(0.2² + 0.18²).
  const start = [0, 0.75, 0.02];
  const goal = [0, 0.55, 0.2];
  const margin = Math.hypot(0.2, 0.18);
  // Held 10 cm from the goal at z 0.2: pads 1.8 cm either side (inside [0.015, 0.02]) and the TCP
  // on the puck → caging 1; a[3] = 0.05 is half the desired effort 0.1 → gripping 0.5, Hamacher(1,
  // 0.5) = 0.5, high density (0.5 + 1) / 2 = 0.75. in-place = long tail of (0.1 − 0.02) / margin.
  // Lifted, near, opening 0.4 ≥ 0.33 → + 1 + 5 · Hamacher(in-place, above-floor); the TCP (z 0.2) is
  // above the funnel (0.015 ln(0.1 − 0.03) + 0.15 ≈ 0.11), so above-floor = 1.
  const held = state({ object: [0, 0.65, 0.2], objectStart: start, goal, opening: 0.4, gripper: { tcp: Float64Array.of(0, 0.65, 0.2), padHighY: 0.668, padLowY: 0.632, gripperAction: 0.05 } });
  // Low over the front band: puck at (0, 0.6, 0.05), TCP there too. Funnel at radius 0.15:
  // 0.015 ln(0.12) + 0.15; the TCP is below it by that − 0.05 → above-floor = long tail of
  // (depth − 0.01) / 0.02. Commanded open (a[3] = −1): grasp = (0 + 1) / 2 = 0.5.
  const low = state({ object: [0, 0.6, 0.05], objectStart: start, goal, opening: 0.4, gripper: { tcp: Float64Array.of(0, 0.6, 0.05), padHighY: 0.618, padLowY: 0.582, gripperAction: -1 } });
  // 4 cm from the goal: 10 (inside the reward's 5 cm); 6 cm: a success whose reward is not 10.
  const atGoal = state({ object: [0, 0.55, 0.16], objectStart: start, goal, opening: 0.4, gripper: { tcp: Float64Array.of(0, 0.55, 0.16), padHighY: 0.568, padLowY: 0.532, gripperAction: 1 } });
  const nearGoal = state({ object: [0, 0.55, 0.14], objectStart: start, goal, opening: 0.4, gripper: { tcp: Float64Array.of(0, 0.55, 0.14), padHighY: 0.568, padLowY: 0.532, gripperAction: 1 } });
  const [heldResult, lowResult, atGoalResult, nearGoalResult] = evaluateStates(pickOutOfHoleTask, [held, low, atGoal, nearGoal]);

  const heldInPlace = longTailAt((0.1 - 0.02) / margin);
  close(heldResult!.graspReward, 0.75, "held grasp");
  close(heldResult!.inPlaceReward, heldInPlace, "held in-place");
  close(heldResult!.reward, hamacher(0.75, heldInPlace) + 1 + 5 * heldInPlace, "held reward");
  assert.equal(heldResult!.graspSuccess, true);
  assert.equal(heldResult!.nearObject, 1);
  assert.equal(heldResult!.success, false);

  const lowInPlace = longTailAt((Math.hypot(0.05, 0.15) - 0.02) / margin);
  const depth = 0.015 * Math.log(0.15 - 0.03) + 0.15 - 0.05;
  const aboveFloor = longTailAt((depth - 0.01) / 0.02);
  close(lowResult!.graspReward, 0.5, "low grasp");
  close(lowResult!.reward, hamacher(0.5, lowInPlace) + 1 + 5 * hamacher(lowInPlace, aboveFloor), "low reward");

  assert.equal(atGoalResult!.reward, 10);
  assert.equal(atGoalResult!.success, true);
  assert.equal(nearGoalResult!.success, true);
  assert.ok(nearGoalResult!.reward < 10, `6 cm from the goal the reward is not overridden: ${nearGoalResult!.reward}`);
});

test("bin-picking: the reward on hand-built states equals the reference's formula worked by hand", () => {
  // Cube started at (−0.1, 0.7, 0.03); the goal is the goal bin's centre (0.12, 0.7, 0): in-place
  // margin √(0.22² + 0.03²).
  const start = [-0.1, 0.7, 0.03];
  const goal = [0.12, 0.7, 0];
  const margin = Math.hypot(0.22, 0.03);
  // Held at (0, 0.7, 0.15), the hand point 3.5 cm above it (near: < 4 cm), TCP 0.5 cm below it
  // (x–z 0.005 ≤ 0.01), pads 3 cm either side (inside [0.015, 0.05]) → caging 1; a[3] = 0.35 is
  // half the desired effort 0.7 → (Hamacher(1, 0.5) + 1) / 2 = 0.75. Lifted, opening 0.4 → the
  // bonus 1 + 5 · Hamacher(above-floor, in-place). The floors: 0.02 ln(0.1 − 0.03) + 0.2 around
  // the start and 0.02 ln(0.12 − 0.03) + 0.2 around the goal; the lower is ≈ 0.147 < 0.185, so
  // above-floor = 1.
  const gripAt = (z: number, gripperAction: number): Partial<GripperReadings> => ({ tcp: Float64Array.of(0, 0.7, z - 0.005), padHighY: 0.73, padLowY: 0.67, gripperAction });
  const held = state({ object: [0, 0.7, 0.15], objectStart: start, goal, hand: [0, 0.7, 0.185], opening: 0.4, gripper: gripAt(0.15, 0.35) });
  // Lower: cube at z 0.085, hand at 0.12, below the start funnel by 0.02 ln(0.07) + 0.2 − 0.12 →
  // above-floor = long tail of (depth − 0.01) / 0.05. a[3] = 1 grips fully → grasp 1.
  const low = state({ object: [0, 0.7, 0.085], objectStart: start, goal, hand: [0, 0.7, 0.12], opening: 0.4, gripper: gripAt(0.085, 1) });
  // Same as held but the fingers read 0.2 apart: closed on nothing, no bonus.
  const pinched = state({ object: [0, 0.7, 0.15], objectStart: start, goal, hand: [0, 0.7, 0.185], opening: 0.2, gripper: gripAt(0.15, 0.35) });
  // 4.9 cm above the goal: success and the reward overridden to 10.
  const inBin = state({ object: [0.12, 0.7, 0.049], objectStart: start, goal, hand: [0.12, 0.7, 0.2], gripper: {} });
  const [heldResult, lowResult, pinchedResult, inBinResult] = evaluateStates(binPickingTask, [held, low, pinched, inBin]);

  const heldInPlace = longTailAt((Math.hypot(0.12, 0.15) - 0.05) / margin);
  close(heldResult!.graspReward, 0.75, "held grasp");
  close(heldResult!.inPlaceReward, heldInPlace, "held in-place");
  close(heldResult!.reward, hamacher(0.75, heldInPlace) + 1 + 5 * heldInPlace, "held reward");
  assert.equal(heldResult!.nearObject, 1);
  assert.equal(heldResult!.graspSuccess, true);

  const lowInPlace = longTailAt((Math.hypot(0.12, 0.085) - 0.05) / margin);
  const aboveFloor = longTailAt((0.02 * Math.log(0.07) + 0.2 - 0.12 - 0.01) / 0.05);
  close(lowResult!.graspReward, 1, "low grasp");
  close(lowResult!.reward, hamacher(1, lowInPlace) + 1 + 5 * hamacher(aboveFloor, lowInPlace), "low reward");

  close(pinchedResult!.reward, hamacher(0.75, heldInPlace), "pinched reward");
  assert.equal(pinchedResult!.graspSuccess, false);

  assert.equal(inBinResult!.reward, 10);
  assert.equal(inBinResult!.success, true);
});

test("stick-push: the reward on hand-built states equals the reference's formula worked by hand", () => {
  // Stick started centred at (−0.05, 0.6, 0.02); goal (0.4, 0.6, 0.132); the reward reads the stick
  // 1.5 cm +x of its centre. Margins: stick ‖(−0.45, 0, −0.112)‖ − 0.12, thermos (from its rail
  // origin (0.2, 0.6, 0)) ‖(−0.2, 0, −0.132)‖ − 0.12.
  const start = [-0.05, 0.6, 0.02];
  const goal = [0.4, 0.6, 0.132];
  const stickMargin = Math.hypot(0.45, 0.112) - 0.12;
  const thermosMargin = Math.hypot(0.2, 0.132) - 0.12;
  const holding: Partial<GripperReadings> = { tcp: Float64Array.of(0.115, 0.6, 0.05), padHighY: 0.62, padLowY: 0.58, gripperAction: 1 };
  // Lifted 3 cm with the TCP on the read point, thermos 15 cm from the goal: 2 + 5 · stick-in-place
  // + 3 · thermos-in-place, grasp reported as 1; no success (the thermos is not within 12 cm).
  const lifted = state({ object: [0.1, 0.6, 0.05], objectStart: start, goal, object2: [0.25, 0.6, 0.132], opening: 0.4, gripper: holding });
  // The same with the thermos 2 cm from the goal: 10, and a success (pinched, lifted, in place).
  const done = state({ object: [0.1, 0.6, 0.05], objectStart: start, goal, object2: [0.4, 0.62, 0.132], opening: 0.4, gripper: holding });
  // Hand at its start (0, 0.6, 0.15), pads 4.5 cm either side (inside [0.04, 0.05]: caging-y 1):
  // reward = grasp = (0 + caging-xz) / 2, caging-xz the long tail of (‖(0.035, 0.13)‖ − 0.01) /
  // (‖(0.05, 0.13)‖ − 0.01) (below 0.97, so the commanded closing is not counted).
  const resting = state({ object: start, objectStart: start, goal, object2: [0.2, 0.6, 0.132], gripper: { padHighY: 0.645, padLowY: 0.555, gripperAction: 1 } });
  const [liftedResult, doneResult, restingResult] = evaluateStates(stickPushTask, [lifted, done, resting]);

  const stickInPlace = longTailAt((Math.hypot(0.285, 0.082) - 0.12) / stickMargin);
  const thermosInPlace = longTailAt((0.15 - 0.12) / thermosMargin);
  close(liftedResult!.reward, 2 + 5 * stickInPlace + 3 * thermosInPlace, "lifted reward");
  close(liftedResult!.inPlaceReward, stickInPlace, "lifted stick-in-place");
  assert.equal(liftedResult!.graspReward, 1);
  assert.equal(liftedResult!.success, false);

  assert.equal(doneResult!.reward, 10);
  assert.equal(doneResult!.success, true);

  const cagingXZ = longTailAt((Math.hypot(0.035, 0.13) - 0.01) / (Math.hypot(0.05, 0.13) - 0.01));
  close(restingResult!.reward, cagingXZ / 2, "resting reward");
  assert.equal(restingResult!.success, false);
});

test("hammer: the reward on hand-built states equals the reference's formula worked by hand", () => {
  // Hammer origin at (0.08, 0.64, 0.11), level; the hand point 6 cm +x of it (within 7 cm, so the
  // caging target's x is the hand's); TCP there, pads 1.8 cm either side → caging 1; a[3] = 1 →
  // grasp (Hamacher(1, 1) + 1) / 2 = 1. Head point (0.24, 0.70, 0.11) is 4 cm from the goal (0.24,
  // 0.74, 0.11): in-place = 0.1 (above 2 cm) + 0.9 · long tail of (0.04 − 0.02) / 0.2.
  const goal = [0.24, 0.74, 0.11];
  const start = [0, 0.45, 0.03];
  const holding: Partial<GripperReadings> = { tcp: Float64Array.of(0.14, 0.64, 0.11), padHighY: 0.658, padLowY: 0.622, gripperAction: 1 };
  const level = state({ object: [0.08, 0.64, 0.11], objectStart: start, goal, hand: [0.14, 0.64, 0.16], gripper: holding });
  // The same tipped 0.2 rad about y: level term 1 − ‖(cos 0.1 − 1, 0, sin 0.1, 0)‖ / 0.4 = 1 − 2 sin(0.05) / 0.4.
  const tipped = state({ object: [0.08, 0.64, 0.11], objectStart: start, goal, hand: [0.14, 0.64, 0.16], quaternion: [Math.cos(0.1), 0, Math.sin(0.1), 0], gripper: holding });
  const inPlace = 0.1 + 0.9 * longTailAt((0.04 - 0.02) / 0.2);
  const levelResult = evaluateHammer(level.observation, level.initial, level.gripper, 0.05);
  close(levelResult.graspReward, 1, "grasp");
  close(levelResult.inPlaceReward, inPlace, "in-place");
  close(levelResult.reward, 2 + 6 * inPlace, "level reward");
  close(levelResult.nearObject, 1, "level term reported as near_object");
  assert.equal(levelResult.success, false);
  const tippedResult = evaluateHammer(tipped.observation, tipped.initial, tipped.gripper, 0.05);
  close(tippedResult.reward, (2 + 6 * inPlace) * (1 - (2 * Math.sin(0.05)) / 0.4), "tipped reward");
  // The nail driven 9.5 cm: a success, and with the reward above 5 it becomes 10.
  const driven = evaluateHammer(level.observation, level.initial, level.gripper, 0.095);
  assert.equal(driven.success, true);
  assert.equal(driven.reward, 10);
  // Driven while the hammer lies tipped on its side (level term 0): a success, reward 0, not 10.
  const onSide = state({ object: [0.08, 0.64, 0.11], objectStart: start, goal, hand: [0.14, 0.64, 0.16], quaternion: [Math.SQRT1_2, Math.SQRT1_2, 0, 0], gripper: holding });
  const hacked = evaluateHammer(onSide.observation, onSide.initial, onSide.gripper, 0.095);
  assert.equal(hacked.success, true);
  assert.equal(hacked.reward, 0);
});

test("peg-unplug-side: the reward on hand-built states equals the reference's formula worked by hand", () => {
  // The plug's end started at (−0.156, 0.7, 0.131), goal 11 cm further +x: in-place margin 0.11.
  const start = [-0.156, 0.7, 0.131];
  const goal = [-0.046, 0.7, 0.131];
  // Pulled 3 cm (> 1.5 cm), TCP on the end, pads 4 cm either side (inside [0.025, 0.05]) → caging
  // 1; a[3] = 0.4 is half the desired effort 0.8 → grasp (Hamacher(1, 0.5) + 1) / 2 = 0.75. The
  // opening 0.76 > 0.5 and the TCP within 3.5 cm → 1 + 2 · 0.75 + 5 · in-place, in-place = long
  // tail of (0.08 − 0.05) / 0.11; 8 cm from the goal is not yet a success.
  const at = (x: number, opening: number): HandBuiltState =>
    state({ object: [x, 0.7, 0.131], objectStart: start, goal, opening, gripper: { tcp: Float64Array.of(x, 0.7, 0.131), padHighY: 0.74, padLowY: 0.66, gripperAction: 0.4 } });
  const [pulled, pinched, nearGoal, atGoal] = evaluateStates(pegUnplugSideTask, [at(-0.126, 0.76), at(-0.126, 0.4), at(-0.106, 0.76), at(-0.086, 0.76)]);
  const inPlace = longTailAt((0.08 - 0.05) / 0.11);
  close(pulled!.graspReward, 0.75, "grasp");
  close(pulled!.reward, 1 + 2 * 0.75 + 5 * inPlace, "pulled reward");
  assert.equal(pulled!.graspSuccess, true);
  assert.equal(pulled!.success, false);
  // Fingers read closed to 0.4: no bonus, reward 2 · grasp.
  close(pinched!.reward, 2 * 0.75, "pinched reward");
  assert.equal(pinched!.graspSuccess, false);
  // 6 cm from the goal: a success (≤ 7 cm) whose reward is not overridden (only within 5 cm).
  assert.equal(nearGoal!.success, true);
  close(nearGoal!.reward, 1 + 2 * 0.75 + 5 * longTailAt((0.06 - 0.05) / 0.11), "near-goal reward");
  // 4 cm: 10.
  assert.equal(atGoal!.reward, 10);
  assert.equal(atGoal!.success, true);
});

test("disassemble: the reward on hand-built states equals the reference's formula worked by hand", () => {
  // Ring centre placed at (0.05, 0.7, 0.025), goal 15 cm above it; the in-place term aims 10 cm
  // higher still: ‖(0, 0, 0.275 − 0.025)‖ = 0.25 → 0.1 (centre above 2 cm) + 0.9 · long tail of
  // (0.25 − 0.02) / 0.2. Handle point at (0.18, 0.7, 0.025), laid flat (level term 1).
  const configuration = { object: [0.05, 0.7, 0.025], goal: [0.05, 0.7, 0.175], secondObject: [0.05, 0.7, 0] } as const;
  const handle = [0.18, 0.7, 0.025];
  const flat = [0.707, 0, 0, 0.707];
  const goal = [...configuration.goal];
  // Hand point 5 mm −x of the handle (within 1 cm: the caging target takes the hand's x), TCP there,
  // pads 1.8 cm either side (inside [0.015, 0.02]) → caging 1; a[3] = 1 → grasp 1.
  const gripping = state({ object: handle, objectStart: handle, goal, hand: [0.175, 0.7, 0.075], quaternion: flat, gripper: { tcp: Float64Array.of(0.175, 0.7, 0.025), padHighY: 0.718, padLowY: 0.682, gripperAction: 1 } });
  // Hand 3 cm −x: the target stays at the handle; caging-x–z = long tail of (0.03 − 0.01) /
  // (‖(0.05, 0.025) − (0, 0.15)‖ − 0.01), the margin from the ring's centre at reset (the handle
  // 13 cm further +x), below 0.97, so grasp = (0 + caging) / 2.
  const behind = state({ object: handle, objectStart: handle, goal, hand: [0.15, 0.7, 0.075], quaternion: flat, gripper: { tcp: Float64Array.of(0.15, 0.7, 0.025), padHighY: 0.718, padLowY: 0.682, gripperAction: 1 } });
  // The handle point 18 cm up (above the goal's 17.5 cm): a success, reward 10.
  const lifted = state({ object: [0.18, 0.7, 0.18], objectStart: handle, goal, hand: [0.175, 0.7, 0.23], quaternion: flat, gripper: {} });
  const [grippingResult, behindResult, liftedResult] = evaluateStatesPlaced(disassembleTask, configuration, [gripping, behind, lifted]);
  const inPlace = 0.1 + 0.9 * longTailAt((0.25 - 0.02) / 0.2);
  close(grippingResult!.graspReward, 1, "grasp");
  close(grippingResult!.inPlaceReward, inPlace, "in-place");
  close(grippingResult!.reward, 2 + 6 * inPlace, "gripping reward");
  assert.equal(grippingResult!.success, false);
  const cagingXZ = longTailAt((0.03 - 0.01) / (Math.hypot(0.05, 0.125) - 0.01));
  close(behindResult!.graspReward, cagingXZ / 2, "behind grasp");
  close(behindResult!.reward, 2 * (cagingXZ / 2) + 6 * inPlace, "behind reward");
  assert.equal(liftedResult!.success, true);
  assert.equal(liftedResult!.reward, 10);
});

test("assembly: the in-place funnel and the reward on hand-built states equal the reference's formula worked by hand", () => {
  const pegTop = [0, 0.8, 0.1] as const;
  // Carried 15 cm up, 20 cm short of the peg: not around it, so the funnel's threshold is 1 cm and
  // its height 0.02 ln(0.2 − 0.01) + 0.2; lifted → 0.1 + 0.9 · long tail of (‖(0, 0.2, 3 · (height
  // − 0.15))‖ − 0.02) / 0.4.
  const carriedHeight = 0.02 * Math.log(0.19) + 0.2;
  close(assemblyInPlace([0, 0.6, 0.15], pegTop), 0.1 + 0.9 * longTailAt((Math.hypot(0.2, 3 * (carriedHeight - 0.15)) - 0.02) / 0.4), "carried in-place");
  assert.equal(ringAroundPeg([0, 0.6, 0.15], pegTop), false);
  // Around the peg, 5 mm off its axis at z 0.05: threshold 2 cm, funnel height 0 →
  // 0.1 + 0.9 · long tail of (‖(0.005, 0, 3 · 0.05)‖ − 0.02) / 0.4.
  close(assemblyInPlace([0.005, 0.8, 0.05], pegTop), 0.1 + 0.9 * longTailAt((Math.hypot(0.005, 0.15) - 0.02) / 0.4), "around in-place");
  assert.equal(ringAroundPeg([0.005, 0.8, 0.05], pegTop), true);
  // Above the peg's top on its axis: not around it (not below the top).
  assert.equal(ringAroundPeg([0, 0.8, 0.12], pegTop), false);

  // The whole reward with the wrench resting at its start (ring centre (0, 0.6, 0.019), handle at
  // x 0.13): hand point 5 mm −x of the handle, TCP there, pads 1.8 cm either side → caging 1;
  // a[3] = 0.5 → Hamacher(1, 0.5) = 0.5, medium density averages the reach term (TCP on the
  // target: 1) → grasp 0.75. Not lifted: in-place = 0.9 · long tail of (‖(0, 0.2, 3 · (height −
  // 0.019))‖ − 0.02) / 0.4. reward = 2 · 0.75 + 6 · in-place (level 1).
  const handle = [0.13, 0.6, 0.019];
  const flat = [0.707, 0, 0, 0.707];
  const resting = state({ object: handle, objectStart: handle, goal: [...pegTop], hand: [0.125, 0.6, 0.069], quaternion: flat, gripper: { tcp: Float64Array.of(0.125, 0.6, 0.019), padHighY: 0.618, padLowY: 0.582, gripperAction: 0.5 } });
  const [restingResult] = evaluateStatesPlaced(assemblyTask, { object: [0, 0.6, 0.019], goal: pegTop }, [resting]);
  const restingInPlace = 0.9 * longTailAt((Math.hypot(0.2, 3 * (carriedHeight - 0.019)) - 0.02) / 0.4);
  close(restingResult!.graspReward, 0.75, "grasp");
  close(restingResult!.reward, 2 * 0.75 + 6 * restingInPlace, "resting reward");
  assert.equal(restingResult!.success, false);
  // The ring placed around the peg: a success, reward 10.
  const [placedResult] = evaluateStatesPlaced(assemblyTask, { object: [0.005, 0.8, 0.05], goal: pegTop }, [resting]);
  assert.equal(placedResult!.success, true);
  assert.equal(placedResult!.reward, 10);
});

test("stick-pull: the reward on hand-built states equals the reference's formula worked by hand", () => {
  // Stick started at (−0.05, 0.6, 0.02); goal (0.4, 0.5, 0.02); the thermos's rail origin (0.2, 0.6,
  // 0). The reward's container is the handle + 5 cm in x; stick-in-place weighs z twice, margin
  // ‖(−0.05 − 0.25, 0, 2 · 0.02)‖; the second stick term and the container term have margins
  // ‖(−0.45, 0.1, 0)‖ and ‖(−0.2, 0.1, −0.02)‖ (the latter from the rail origin, not the container).
  const start = [-0.05, 0.6, 0.02];
  const goal = [0.4, 0.5, 0.02];
  const heldAt = (stick: number[], handle: number[]): HandBuiltState =>
    state({ object: stick, objectStart: start, goal, object2: handle, opening: 0.4, gripper: { tcp: Float64Array.of(stick[0]!, stick[1]!, stick[2]!), padHighY: stick[1]! + 0.026, padLowY: stick[1]! - 0.026, gripperAction: 1 } });
  const placeStick = (stick: number[]): TaskConfiguration => ({ object: [stick[0]!, stick[1]!, stick[2]!], goal: [0.4, 0.5, 0.02] });
  // Held (TCP on the stick, opening > 0, lifted) with its end 2 cm through the loop at (0.2, 0.6,
  // 0.132): grasp 1, Hamacher(1, s) = s, reward 1 + s + 5 + 2 · stick-at-goal + container-in-place.
  const through = [0.17, 0.6, 0.132];
  const [throughResult] = evaluateStatesPlaced(stickPullTask, placeStick(through), [heldAt(through, [0.2, 0.6, 0.132])]);
  const stickInPlace = longTailAt((0.08 - 0.05) / Math.hypot(0.3, 0.04));
  const stickAtGoal = longTailAt((Math.hypot(0.23, 0.1, 0.112) - 0.05) / Math.hypot(0.45, 0.1));
  const containerInPlace = longTailAt((Math.hypot(0.15, 0.1, 0.112) - 0.05) / Math.hypot(0.2, 0.1, 0.02));
  close(throughResult!.graspReward, 1, "held grasp");
  close(throughResult!.inPlaceReward, stickInPlace, "stick-in-place");
  close(throughResult!.reward, 1 + stickInPlace + 5 + 2 * stickAtGoal + containerInPlace, "inserted reward");
  assert.equal(throughResult!.success, false);
  // Held but its end (0.15) short of the loop: 1 + s + 5 · s for s at 0.15 from the container.
  const short = [0.1, 0.6, 0.132];
  const [shortResult] = evaluateStatesPlaced(stickPullTask, placeStick(short), [heldAt(short, [0.2, 0.6, 0.132])]);
  const shortInPlace = longTailAt((0.15 - 0.05) / Math.hypot(0.3, 0.04));
  close(shortResult!.reward, 1 + shortInPlace + 5 * shortInPlace, "not-inserted reward");
  // Inserted with the handle 1 cm off the goal in x and y (11.2 cm above it): within 12 cm, so a
  // success and 10.
  const atGoal = [0.36, 0.51, 0.132];
  const [atGoalResult] = evaluateStatesPlaced(stickPullTask, placeStick(atGoal), [heldAt(atGoal, [0.39, 0.51, 0.132])]);
  assert.equal(atGoalResult!.success, true);
  assert.equal(atGoalResult!.reward, 10);
});
