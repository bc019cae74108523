import { test } from "node:test";
import assert from "node:assert/strict";
import { initMujoco } from "../../mujoco/runtime.js";
import { Observation } from "../observation-layout.js";
import { TabletopSimulation } from "../tabletop-simulation.js";
import type { GripperReadings, ManipulationTask, StepEvaluation, TaskConfiguration } from "../task.js";
import { plateSlideTask } from "./plate-slide.js";
import { plateSlideBackTask } from "./plate-slide-back.js";
import { plateSlideSideTask } from "./plate-slide-side.js";
import { sweepTask } from "./sweep.js";
import { sweepIntoTask } from "./sweep-into.js";
import { soccerTask } from "./soccer.js";
import { handInsertTask } from "./hand-insert.js";
import { close, gripperReadings, hamacher, longTailAt } from "../testing/hand-worked-rewards.js";

await initMujoco();

/**
 * The rewards of plate-slide, plate-slide-side/-back/-back-side, sweep, sweep-into, soccer and
 * hand-insert on hand-built states, against the reference's formulas worked by hand: the expected
 * numbers below are written as arithmetic from those formulas, not computed by the code under test.
 */



/** An observation with object 1 at `object` and the goal at `goal` (the rest 0). */
function observationOf(object: readonly number[], goal: readonly number[]): Float32Array {
  const observation = new Float32Array(Observation.size);
  observation.set(object, Observation.object1Position);
  observation.set(goal, Observation.goal);
  return observation;
}

/**
 * Scores a hand-built state with the task's reward (bound to a real simulation of its scene),
 * after a reset to `configuration` for tasks whose margins read the configuration.
 */
function evaluate(task: ManipulationTask, observation: Float32Array, initial: Float32Array, gripper: GripperReadings, configuration?: TaskConfiguration): StepEvaluation {
  const simulation = new TabletopSimulation(task);
  try {
    const bound = task.bind(simulation.simulation);
    if (configuration !== undefined) bound.reset(configuration);
    return bound.evaluate(observation, initial, gripper);
  } finally {
    simulation.close();
  }
}


test("plate-slide: 8 · Hamacher(near, in-place) with full margins, 10 within 5 cm of the goal", () => {
  // Plate at (0, 0.75, 0.015), goal (0, 0.9, 0); TCP 7 cm behind the plate, TCP at reset (0, 0.6, 0.15).
  // near: ‖TCP − plate‖ = 0.07, margin ‖(0, 0.6, 0) − (0, 0.6, 0.15)‖ = 0.15 → d = 0.02 / 0.15.
  // in-place: ‖plate − goal‖ = √(0.15² + 0.015²), margin ‖(0, 0.6, 0) − goal‖ = 0.3.
  const observation = observationOf([0, 0.75, 0.015], [0, 0.9, 0]);
  const result = evaluate(plateSlideTask, observation, observation, gripperReadings({ tcp: Float64Array.of(0, 0.68, 0.015) }));
  const near = longTailAt(0.02 / 0.15);
  const toGoal = Math.hypot(0.15, 0.015);
  const inPlace = longTailAt((toGoal - 0.05) / 0.3);
  close(result.graspReward, near, "near");
  close(result.inPlaceReward, inPlace, "in-place");
  close(result.reward, 8 * hamacher(near, inPlace), "reward");
  close(result.objectToTarget, toGoal, "obj_to_target");
  assert.equal(result.success, false);
  assert.equal(result.graspSuccess, false);
  // Plate 2 cm short of the goal in y: ‖(0, −0.02, 0.015)‖ = 0.025 < 0.05 → the reward is 10, success.
  const arrived = evaluate(plateSlideTask, observationOf([0, 0.88, 0.015], [0, 0.9, 0]), observation, gripperReadings({ tcp: Float64Array.of(0, 0.81, 0.015) }));
  assert.equal(arrived.reward, 10);
  assert.equal(arrived.success, true);
});

test("plate-slide-back: 2 + 7 · in-place with the TCP low beside the plate, 1.5 · near otherwise (margins less 5 cm)", () => {
  // Goal (0.05, 0.6, 0.015), plate 10 cm behind it; the reference's obj_init_pos is (0, 0.85, 0).
  // in-place margin ‖(0, 0.85, 0) − (0.05, 0.6, 0.015)‖ − 0.05 = √(0.05² + 0.25² + 0.015²) − 0.05.
  const observation = observationOf([0.05, 0.7, 0.015], [0.05, 0.6, 0.015]);
  const inPlace = longTailAt((0.1 - 0.05) / (Math.hypot(0.05, 0.25, 0.015) - 0.05));
  // TCP 6 cm behind the plate at z 0.02 (≤ 0.03, within 7 cm): 2 + 7 · in-place.
  const low = evaluate(plateSlideBackTask, observation, observation, gripperReadings({ tcp: Float64Array.of(0.05, 0.76, 0.02) }));
  close(low.reward, 2 + 7 * inPlace, "low reward");
  // TCP at z 0.1 instead: 1.5 · near, ‖TCP − plate‖ = √(0.06² + 0.085²), margin ‖(0, 0.85, 0) −
  // (0, 0.6, 0.15)‖ − 0.05 = √(0.25² + 0.15²) − 0.05.
  const high = evaluate(plateSlideBackTask, observation, observation, gripperReadings({ tcp: Float64Array.of(0.05, 0.76, 0.1) }));
  close(high.reward, 1.5 * longTailAt((Math.hypot(0.06, 0.085) - 0.05) / (Math.hypot(0.25, 0.15) - 0.05)), "high reward");
  close(high.inPlaceReward, inPlace, "in-place");
  assert.equal(high.success, false);
});

test("plate-slide-side: success within 7 cm even where the 10 (within 5 cm) is out of reach", () => {
  // Goal (−0.28, 0.54, 0), below the plate's y travel: the plate at (−0.28, 0.6, 0.015) is
  // √(0.06² + 0.015²) ≈ 0.062 away — a success, but the reward stays the shaped one (TCP high):
  // 1.5 · near, near = long tail of (‖TCP − plate‖ − 0.05) / (‖(0, 0.6, 0) − (0, 0.6, 0.15)‖ − 0.05).
  const observation = observationOf([-0.28, 0.6, 0.015], [-0.28, 0.54, 0]);
  const initial = observationOf([0, 0.6, 0.015], [-0.28, 0.54, 0]);
  const result = evaluate(plateSlideSideTask, observation, initial, gripperReadings({ tcp: Float64Array.of(-0.2, 0.6, 0.1) }));
  assert.equal(result.success, true);
  close(result.objectToTarget, Math.hypot(0.06, 0.015), "obj_to_target");
  close(result.reward, 1.5 * longTailAt((Math.hypot(0.08, 0.085) - 0.05) / (0.15 - 0.05)), "reward");
});

test("sweep: 2 · grasp + 6 · Hamacher(grasp, in-place) with sweep's own pad caging, 10 within 5 cm", () => {
  // Reference start (0, 0.65, 0.02), goal (0.5, 0.65, 0.01); the block's bottom-face centre at
  // (0.3, 0.65, 0), the TCP on it, pads 4 cm either side (pads at reset 0.65 and 0.55).
  // Caging: offsets 0.04 inside [0.02, 0.05] → 1; x–z 0 → 1; so gripping counts: 0.04 is 0.01
  // beyond the band [0.02, 0.03], margins |0.65 − 0.65| − 0.05 → 0.05 and |0.65 − 0.55| − 0.05 →
  // 0.05, each 1 / (1 + (3 · 0.2)²) = 1 / 1.36; grasp = (1 + Hamacher(1/1.36, 1/1.36)) / 2.
  const configuration: TaskConfiguration = { object: [0, 0.65, 0.02], goal: [0.5, 0.65, 0.01] };
  const observation = observationOf([0.3, 0.65, 0], [0.5, 0.65, 0.01]);
  const gripper = gripperReadings({ tcp: Float64Array.of(0.3, 0.65, 0), padHighY: 0.69, padLowY: 0.61 });
  const result = evaluate(sweepTask, observation, observation, gripper, configuration);
  const grasp = (1 + hamacher(1 / 1.36, 1 / 1.36)) / 2;
  // in-place: ‖(−0.2, 0, −0.01)‖ against margin ‖(0, 0.65, 0.02) − (0.5, 0.65, 0.01)‖.
  const inPlace = longTailAt((Math.hypot(0.2, 0.01) - 0.05) / Math.hypot(0.5, 0.01));
  close(result.graspReward, grasp, "grasp");
  close(result.inPlaceReward, inPlace, "in-place");
  close(result.reward, 2 * grasp + 6 * hamacher(grasp, inPlace), "reward");
  assert.equal(result.success, false);
  // The same grip with the gripper commanded open or shut: sweep's grasp ignores the action.
  close(evaluate(sweepTask, observation, observation, { ...gripper, gripperAction: 1 }, configuration).reward, result.reward, "action-independent");
  // Bottom face 2 cm short of the goal in x: ‖(−0.02, 0, −0.01)‖ ≈ 0.022 < 0.05 → 10 and success.
  const arrived = evaluate(sweepTask, observationOf([0.48, 0.65, 0], [0.5, 0.65, 0.01]), observation, gripper, configuration);
  assert.equal(arrived.reward, 10);
  assert.equal(arrived.success, true);
});

test("sweep-into: planar distances to the hole, sweep's pad caging with its own constants, 10 in the hole", () => {
  // Reference start (0, 0.65, 0.07); the block at (0, 0.74, 0.07), the hole goal (0, 0.84, 0.02):
  // the target takes the block's height, so ‖block − target‖ = 0.1 (planar) and the margin is
  // ‖(0, 0.65 − 0.84, 0.07 − 0.07)‖ = 0.19.
  const configuration: TaskConfiguration = { object: [0, 0.65, 0.07], goal: [0, 0.84, 0.02] };
  const observation = observationOf([0, 0.74, 0.07], [0, 0.84, 0.02]);
  const inPlace = longTailAt((0.1 - 0.05) / 0.19);
  // TCP at its reset place (0, 0.6, 0.15), pads at y 0.65 and 0.55. +y pad: offset 0.65 − 0.74 =
  // −0.09, 0.11 under the band [0.02, 0.05], margin ||0.74 − 0.65| − 0.05| = 0.04 → d = 2.75;
  // −y pad: offset 0.19, 0.14 over it, margin ||0.74 − 0.55| − 0.05| = 0.14 → d = 1 → 0.1. x–z:
  // ‖(0, 0.15 − 0.07)‖ = 0.08 against the 1 cm bound, margin 0.08 − 0.01 → d = 1 → 0.1. Caging
  // is far below 0.95, so grasp = caging / 2.
  const caging = hamacher(hamacher(0.1, longTailAt(2.75)), 0.1);
  const grasp = caging / 2;
  const result = evaluate(sweepIntoTask, observation, observation, gripperReadings({}), configuration);
  close(result.inPlaceReward, inPlace, "in-place");
  close(result.graspReward, grasp, "grasp");
  close(result.reward, 2 * grasp + 6 * hamacher(grasp, inPlace), "reward");
  close(result.objectToTarget, 0.1, "obj_to_target");
  // In the hole, 3 cm off its centre: planar 0.03 < 0.05 → 10 and success.
  const inHole = evaluate(sweepIntoTask, observationOf([0.03, 0.84, 0.02], [0, 0.84, 0.02]), observation, gripperReadings({}), configuration);
  assert.equal(inHole.reward, 10);
  assert.equal(inHole.success, true);
  close(inHole.objectToTarget, 0.03, "obj_to_target in the hole");
});

test("soccer: x-weighted distances, in-place margin from the ball's own displacement, the off-side cut, 10 in the goal, success on the plain distance", () => {
  // Reference start (0, 0.65, 0.03), goal (0, 0.85, 0); ball at (0.02, 0.74, 0.026).
  // Weighted ‖(3 · 0.02, −0.11, 0.026)‖ against the margin weighted ‖(3 · 0.02, 0.09, −0.004)‖.
  const configuration: TaskConfiguration = { object: [0, 0.65, 0.03], goal: [0, 0.85, 0] };
  const observation = observationOf([0.02, 0.74, 0.026], [0, 0.85, 0]);
  const inPlace = longTailAt((Math.hypot(0.06, 0.11, 0.026) - 0.07) / Math.hypot(0.06, 0.09, 0.004));
  // Grasp (TCP at its reset place (0, 0.6, 0.15), pads at 0.65 and 0.55): +y pad offset −0.09, 0.103
  // under the band [0.013, 0.05], margin ||0.74 − 0.65| − 0.05| = 0.04; −y pad offset 0.19, 0.14
  // over it, margin 0.14 → 0.1; x–z ‖(0.02, 0.124)‖ against 5 mm, margin ‖(0, 0.03 − 0.15)‖ − 0.005.
  const caging = hamacher(hamacher(0.1, longTailAt(0.103 / 0.04)), longTailAt((Math.hypot(0.02, 0.124) - 0.005) / 0.115));
  const result = evaluate(soccerTask, observation, observation, gripperReadings({}), configuration);
  close(result.inPlaceReward, inPlace, "in-place");
  close(result.graspReward, caging / 2, "grasp");
  close(result.reward, 3 * (caging / 2) + 6.5 * inPlace, "reward");
  close(result.objectToTarget, Math.hypot(0.02, 0.11, 0.026), "obj_to_target (unweighted)");
  // Ball past the line 10 cm in front of the goal and 15 cm to its side: in-place loses
  // 2 · (0.8 − 0.75) / (1 − 0.75) = 0.4, more than the long tail of
  // (‖(0.45, −0.05, 0.026)‖ − 0.07) / ‖(0.45, 0.15, −0.004)‖ leaves, so it is cut to 0.
  const offSide = evaluate(soccerTask, observationOf([0.15, 0.8, 0.026], [0, 0.85, 0]), observation, gripperReadings({}), configuration);
  assert.ok(longTailAt((Math.hypot(0.45, 0.05, 0.026) - 0.07) / Math.hypot(0.45, 0.15, 0.004)) < 0.4);
  assert.equal(offSide.inPlaceReward, 0);
  // In the goal 1 cm off centre: weighted ‖(0.03, 0, 0.026)‖ ≈ 0.04 < 0.07 → 10 and success.
  const scored = evaluate(soccerTask, observationOf([0.01, 0.85, 0.026], [0, 0.85, 0]), observation, gripperReadings({}), configuration);
  assert.equal(scored.reward, 10);
  assert.equal(scored.success, true);
  // 5 cm off in x: weighted ‖(0.15, 0, 0.026)‖ ≈ 0.152, no 10; but success tests the plain
  // ‖(0.05, 0, 0.026)‖ ≈ 0.056 ≤ 0.07, as the reference's does.
  const wide = evaluate(soccerTask, observationOf([0.05, 0.85, 0.026], [0, 0.85, 0]), observation, gripperReadings({}), configuration);
  assert.ok(wide.reward < 10);
  assert.equal(wide.success, true);
  close(wide.objectToTarget, Math.hypot(0.05, 0.026), "obj_to_target");
});

test("hand-insert: Hamacher(grasp, in-place) + 1 + 7 · in-place with the TCP on the block, the caging reading the gripper action, 10 in the hole", () => {
  // Reference start (0, 0.65, 0.05), goal (0, 0.84, −0.02); the block held 12 cm above the goal:
  // in-place = long tail of (0.12 − 0.05) / ‖(0, 0.19, 0.07)‖.
  const configuration: TaskConfiguration = { object: [0, 0.65, 0.05], goal: [0, 0.84, -0.02] };
  const observation = observationOf([0, 0.84, 0.1], [0, 0.84, -0.02]);
  observation[Observation.gripperOpening] = 0.5;
  const inPlace = longTailAt((0.12 - 0.05) / Math.hypot(0.19, 0.07));
  // Pads 3 cm either side (inside [0.015, 0.05]) and the TCP on the block: caging 1; commanded shut
  // (a = 1) the gripping term is 1, so grasp = (1 + 1) / 2 = 1; the TCP is within 2 cm with the
  // fingers open a little, so reward = Hamacher(1, in-place) + 1 + 7 · in-place = 1 + 8 · in-place.
  const held = { tcp: Float64Array.of(0, 0.84, 0.1), padHighY: 0.87, padLowY: 0.81 };
  const shut = evaluate(handInsertTask, observation, observation, gripperReadings({ ...held, gripperAction: 1 }), configuration);
  close(shut.graspReward, 1, "grasp, shut");
  close(shut.reward, 1 + 8 * inPlace, "reward, shut");
  // Commanded open (a = −1): gripping 0, grasp = (Hamacher(1, 0) + 1) / 2 = 0.5.
  const open = evaluate(handInsertTask, observation, observation, gripperReadings({ ...held, gripperAction: -1 }), configuration);
  close(open.graspReward, 0.5, "grasp, open");
  close(open.reward, hamacher(0.5, inPlace) + 1 + 7 * inPlace, "reward, open");
  // Resting in the hole (centre 2 cm above the plane, 4 cm above the goal), 1 cm off in x:
  // ‖(0.01, 0, 0.04)‖ ≈ 0.041 < 0.05 → 10 and success; 3.5 cm off: ‖(0.035, 0, 0.04)‖ ≈ 0.053, neither.
  const inHole = evaluate(handInsertTask, observationOf([0.01, 0.84, 0.02], [0, 0.84, -0.02]), observation, gripperReadings({}), configuration);
  assert.equal(inHole.reward, 10);
  assert.equal(inHole.success, true);
  const offCentre = evaluate(handInsertTask, observationOf([0.035, 0.84, 0.02], [0, 0.84, -0.02]), observation, gripperReadings({}), configuration);
  assert.ok(offCentre.reward < 10);
  assert.equal(offCentre.success, false);
});
