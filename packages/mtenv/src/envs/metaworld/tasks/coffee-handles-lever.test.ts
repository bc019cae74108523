import { test } from "node:test";
import assert from "node:assert/strict";
import { initMujoco } from "../../mujoco/runtime.js";
import { Observation } from "../observation-layout.js";
import { TabletopSimulation } from "../tabletop-simulation.js";
import type { GripperReadings, ManipulationTask, StepEvaluation } from "../task.js";
import { coffeeButtonTask } from "./coffee-button.js";

await initMujoco();

/**
 * The coffee machine, handle and lever tasks' rewards on hand-built states, against the
 * reference's formulas worked by hand (the expected values are arithmetic written out here, not
 * calls to the reward helpers).
 */

/** long_tail tolerance outside its bounds at `distance` margins: 1 / (1 + (3 d)²) (√(1/0.1 − 1) = 3). */
const longTailAt = (margins: number): number => 1 / (1 + (3 * margins) ** 2);
const hamacher = (a: number, b: number): number => (a * b) / (a + b - a * b);
const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 1e-5, `${what}: ${actual}, expected ${expected}`);

function readings(overrides: Partial<GripperReadings>): GripperReadings {
  return {
    tcp: Float64Array.of(0, 0.6, 0.15),
    padHighY: 0.65,
    padLowY: 0.55,
    initialTcp: Float64Array.of(0, 0.4, 0.15),
    initialPadHighY: 0.45,
    initialPadLowY: 0.35,
    gripperAction: 0,
    ...overrides,
  };
}

/** Scores hand-built states with `task`'s reward (after one reset, for tasks that remember their start). */
function scorer(task: ManipulationTask, configuration?: Parameters<ReturnType<ManipulationTask["bind"]>["reset"]>[0]) {
  const simulation = new TabletopSimulation(task);
  const bound = task.bind(simulation.simulation);
  if (configuration !== undefined) bound.reset(configuration);
  return {
    evaluate: (observation: Float32Array, initial: Float32Array, gripper: GripperReadings): StepEvaluation => bound.evaluate(observation, initial, gripper),
    close: () => simulation.close(),
  };
}

function observationWith(object: readonly number[], goal: readonly number[], opening = 0.5, hand?: readonly number[]): Float32Array {
  const observation = new Float32Array(Observation.size);
  observation.set(object, Observation.object1Position);
  observation.set(goal, Observation.goal);
  observation[Observation.gripperOpening] = opening;
  if (hand !== undefined) observation.set(hand, Observation.hand);
  return observation;
}

test("coffee-button: the reward on hand-built states equals the reference's formula worked by hand, with no success override", () => {
  const score = scorer(coffeeButtonTask);
  try {
    // Face at y 0.68, goal 3 cm further in; TCP 3 cm in front of the face: near = 1, so
    // 2 · Hamacher(0.5, 1) = 1; within 5 cm, so + 8 · pressed, pressed = long tail of
    // (0.03 − 0.005) / 0.03 margins.
    const observation = observationWith([0, 0.68, 0.3], [0, 0.71, 0.3]);
    const near = score.evaluate(observation, observation, readings({ tcp: Float64Array.of(0, 0.65, 0.3) }));
    close(near.reward, 1 + 8 * longTailAt(0.025 / 0.03), "pressing range");
    assert.equal(near.success, false);
    assert.equal(near.nearObject, 1);
    // TCP 10 cm in front: near = long tail of (0.1 − 0.05) / ‖face − TCP at reset‖, no press term.
    const startDistance = Math.hypot(0.68 - 0.4, 0.3 - 0.15);
    const far = score.evaluate(observation, observation, readings({ tcp: Float64Array.of(0, 0.58, 0.3) }));
    close(far.reward, 2 * hamacher(0.5, longTailAt(0.05 / startDistance)), "out of reach");
    assert.equal(far.nearObject, 0);
    // Pressed 2.5 cm: face 5 mm from the goal, pressed = 1, success, and the reward stays 1 + 8 = 9.
    const pressed = observationWith([0, 0.705, 0.3], [0, 0.71, 0.3]);
    const success = score.evaluate(pressed, observation, readings({ tcp: Float64Array.of(0, 0.675, 0.3) }));
    assert.equal(success.success, true);
    close(success.reward, 9, "no override at success");
  } finally {
    score.close();
  }
});
