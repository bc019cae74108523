import { test } from "node:test";
import assert from "node:assert/strict";
import { initMujoco } from "../../mujoco/runtime.js";
import { Observation } from "../observation-layout.js";
import type { Vec3 } from "../reward-shaping.js";
import { TabletopSimulation } from "../tabletop-simulation.js";
import type { GripperReadings, ManipulationTask, StepEvaluation } from "../task.js";
import { coffeeButtonTask } from "./coffee-button.js";
import { coffeePullTask } from "./coffee-pull.js";
import { coffeePushTask } from "./coffee-push.js";
import { handlePressSideTask } from "./handle-press-side.js";
import { handlePressTask } from "./handle-press.js";
import { handlePullSideTask } from "./handle-pull-side.js";
import { handlePullTask } from "./handle-pull.js";
import { leverPullTask } from "./lever-pull.js";
import { close, hamacher, longTailAt } from "../testing/hand-worked-rewards.js";

await initMujoco();

/**
 * The coffee machine, handle and lever tasks' rewards on hand-built states, against the
 * reference's formulas worked by hand (the expected values are arithmetic written out here, not
 * calls to the reward helpers).
 */

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

test("coffee-pull and coffee-push: the reward on hand-built states equals the reference's formula worked by hand, 10 near the goal", () => {
  // The mug's base was placed at (0, 0.72, 0); goal (0, 0.6, 0). Its observed point now at
  // (0, 0.7, 0.04): in-place = long tail of (‖(0, 2 · 0.1, 0.04)‖ − 0.05) / ‖(0, 2 · 0.12, 0)‖.
  const score = scorer(coffeePullTask, { object: [0, 0.72, 0], goal: [0, 0.6, 0] });
  try {
    const observation = observationWith([0, 0.7, 0.04], [0, 0.6, 0]);
    const inPlace = longTailAt((Math.sqrt(0.04 + 0.0016) - 0.05) / 0.24);
    // TCP on the mug, pads 3 cm either side (inside [0.02, 0.05]): caging 1, so gripping =
    // clip(a, 0, 0.7) / 0.7 = 0.5 at a = 0.35, Hamacher(1, 0.5) = 0.5; reach 1; grasp = (0.5 + 1) / 2.
    // Within 4 cm with the gripper open: + 1 + 5 · in-place.
    const caged = { tcp: Float64Array.of(0, 0.7, 0.04), padHighY: 0.73, padLowY: 0.67 };
    const half = score.evaluate(observation, observation, readings({ ...caged, gripperAction: 0.35 }));
    close(half.graspReward, 0.75, "grasp at half the desired effort");
    close(half.reward, hamacher(0.75, inPlace) + 1 + 5 * inPlace, "gripped reward");
    assert.equal(half.success, false);
    // Any effort ≥ 0.7 counts as fully closed: grasp 1.
    close(score.evaluate(observation, observation, readings({ ...caged, gripperAction: 1 })).graspReward, 1, "grasp at full effort");
    // TCP away at (0.1, 0.5, 0.15), pads at y 0.55 and 0.45: each pad's long tail of its distance
    // outside [0.02, 0.05] over |‖pad − mug start‖_y − 0.05|; x–z long tail of (‖(0.1, 0.11)‖ − 0.05) /
    // (‖(0, −0.15)‖ − 0.05); caging below 0.97 so no gripping; reach long tail of (‖(−0.1, 0.2, −0.11)‖ −
    // 0.04) / (‖(0, 0.32, −0.15)‖ − 0.04); grasp = reach / 2; no bonus.
    const away = score.evaluate(observation, observation, readings({ tcp: Float64Array.of(0.1, 0.5, 0.15), padHighY: 0.55, padLowY: 0.45, gripperAction: 1 }));
    const reach = longTailAt((Math.sqrt(0.0621) - 0.04) / (Math.sqrt(0.1249) - 0.04));
    close(away.graspReward, reach / 2, "grasp from afar");
    close(away.reward, hamacher(reach / 2, inPlace), "reward from afar");
    // Mug at (0.01, 0.61, 0.036): ‖(0.02, 0.02, 0.036)‖ < 0.05, so the reward is 10; ‖mug − goal‖ ≤ 0.07.
    const done = score.evaluate(observationWith([0.01, 0.61, 0.036], [0, 0.6, 0]), observation, readings({ tcp: Float64Array.of(0.01, 0.61, 0.036) }));
    assert.equal(done.reward, 10);
    assert.equal(done.success, true);
  } finally {
    score.close();
  }
  // coffee-push shares the reward: the same in-place-only state far from the TCP, and 10 near its goal.
  const push = scorer(coffeePushTask, { object: [0, 0.58, 0], goal: [0, 0.72, 0] });
  try {
    const observation = observationWith([0, 0.6, 0.036], [0, 0.72, 0]);
    const inPlace = longTailAt((Math.sqrt(0.0576 + 0.036 ** 2) - 0.05) / 0.28);
    const far = push.evaluate(observation, observation, readings({ tcp: Float64Array.of(0.3, 0.4, 0.3), padHighY: 0.45, padLowY: 0.35 }));
    assert.ok(far.graspReward > 0 && far.graspReward < 0.1, `grasp far away ${far.graspReward}`);
    close(far.reward, hamacher(far.graspReward, inPlace), "push reward far away");
    assert.equal(push.evaluate(observationWith([0, 0.715, 0.036], [0, 0.72, 0]), observation, readings({})).reward, 10);
  } finally {
    push.close();
  }
});

test("handle-press and handle-press-side: 10 · Hamacher(reach, in-place) worked by hand, 10 once within 2 cm", () => {
  // Bar top at (0, 0.634, 0.171) at reset, goal z 0.075: |Δz| 0.096 at reset. Pressed to z 0.131:
  // in-place = long tail of (0.056 − 0.02) / (0.096 − 0.02); TCP 6 cm above the top: reach = long
  // tail of (0.06 − 0.02) / (‖top − TCP at reset (0, 0.6, 0.15)‖ − 0.02).
  for (const task of [handlePressTask, handlePressSideTask]) {
    const score = scorer(task);
    try {
      const initial = observationWith([0, 0.634, 0.171], [0, 0.634, 0.075]);
      const pressed = observationWith([0, 0.634, 0.131], [0, 0.634, 0.075]);
      const inPlace = longTailAt(0.036 / 0.076);
      const reach = longTailAt(0.04 / (Math.hypot(0.034, 0.021) - 0.02));
      const partway = score.evaluate(pressed, initial, readings({ tcp: Float64Array.of(0, 0.634, 0.191), initialTcp: Float64Array.of(0, 0.6, 0.15) }));
      close(partway.reward, 10 * hamacher(reach, inPlace), `${task.name} partway`);
      assert.equal(partway.success, false);
      // Top at z 0.09, 1.5 cm from the goal: success, and the reward is 10 wherever the TCP is.
      const done = score.evaluate(observationWith([0, 0.634, 0.09], [0, 0.634, 0.075]), initial, readings({ tcp: Float64Array.of(0.3, 0.5, 0.3) }));
      assert.equal(done.success, true);
      assert.equal(done.reward, 10);
    } finally {
      score.close();
    }
  }
});

test("handle-pull: caging grasp, in-place from the box base and the 1 + 5 · in-place bonus worked by hand, 10 within 5 cm", () => {
  // Box base at (0, 0.85, 0), goal z 0.172 (in-place margin 0.172, measured from the base).
  const score = scorer(handlePullTask, { object: [0, 0.85, 0], goal: [0, 0.634, 0.172] });
  try {
    const initial = observationWith([0.05, 0.634, 0.064], [0, 0.634, 0.172]);
    // Raised 4 cm to z 0.104: in-place = long tail of (0.068 − 0.05) / 0.172. TCP on the point, pads
    // 3 cm either side (inside [0.022, 0.05]): caging 1, gripping = a = 0.5, Hamacher(1, 0.5) = 0.5,
    // high density (0.5 + 1) / 2 = 0.75; within 3.5 cm with the opening above 0: + 1 + 5 · in-place.
    const raised = observationWith([0.05, 0.634, 0.104], [0, 0.634, 0.172]);
    const inPlace = longTailAt(0.018 / 0.172);
    const held = score.evaluate(raised, initial, readings({ tcp: Float64Array.of(0.05, 0.634, 0.104), padHighY: 0.664, padLowY: 0.604, gripperAction: 0.5 }));
    close(held.graspReward, 0.75, "grasp");
    close(held.reward, hamacher(0.75, inPlace) + 1 + 5 * inPlace, "held reward");
    // TCP at (0, 0.6, 0.15), pads at y 0.65 and 0.55, handle down: the +y pad 0.6 cm inside the
    // 2.2 cm radius, margin ||0.65 − 0.85| − 0.05| = 0.15; the −y pad 3.4 cm beyond 5 cm, margin
    // 0.25; x–z long tail of (‖(0.05, 0.086)‖ − 0.01) / (‖(0, 0.15)‖ − 0.01); caging below 0.97, so
    // grasp = caging / 2; in-place long tail of (0.108 − 0.05) / 0.172; no bonus.
    const cagingY = hamacher(longTailAt(0.006 / 0.15), longTailAt(0.034 / 0.25));
    const caging = hamacher(cagingY, longTailAt((Math.hypot(0.05, 0.086) - 0.01) / 0.14));
    const away = score.evaluate(initial, initial, readings({ tcp: Float64Array.of(0, 0.6, 0.15), padHighY: 0.65, padLowY: 0.55, gripperAction: 1 }));
    close(away.graspReward, caging / 2, "grasp from afar");
    close(away.reward, hamacher(caging / 2, longTailAt(0.058 / 0.172)), "reward from afar");
    // Raised to z 0.13: 4.2 cm from the goal, success and 10.
    const done = score.evaluate(observationWith([0.05, 0.634, 0.13], [0, 0.634, 0.172]), initial, readings({}));
    assert.equal(done.success, true);
    assert.equal(done.reward, 10);
  } finally {
    score.close();
  }
});

test("handle-pull-side: the reward worked by hand, success within 8 cm without the reward's jump to 10", () => {
  // Arm point at (−0.13, 0.7, 0.05) at reset, goal (−0.084, 0.7, 0.172): 4.6 cm apart in x always.
  const score = scorer(handlePullSideTask, { object: [-0.3, 0.7, 0], goal: [-0.084, 0.7, 0.172] });
  try {
    const initial = observationWith([-0.13, 0.7, 0.05], [-0.084, 0.7, 0.172]);
    const startDistance = Math.hypot(0.046, 0.122);
    // Raised 4 cm: ‖(0.046, 0.082)‖ from the goal; TCP on the point, pads 4 cm either side (inside
    // [0.032, 0.06]), commanded closed: grasp (1 + 1) / 2 = 1; bonus (TCP near, open > 0, raised
    // more than 1 cm): reward = Hamacher(1, in-place) + 1 + 5 · in-place = 1 + 6 · in-place.
    const raised = observationWith([-0.13, 0.7, 0.09], [-0.084, 0.7, 0.172]);
    const inPlace = longTailAt((Math.hypot(0.046, 0.082) - 0.05) / startDistance);
    const gripped = { tcp: Float64Array.of(-0.13, 0.7, 0.09), padHighY: 0.74, padLowY: 0.66 };
    const closed = score.evaluate(raised, initial, readings({ ...gripped, gripperAction: 1 }));
    close(closed.reward, 1 + 6 * inPlace, "gripped");
    assert.equal(closed.success, false);
    // Commanded open: gripping 0, grasp (0 + 1) / 2 = 0.5.
    const open = score.evaluate(raised, initial, readings({ ...gripped, gripperAction: -1 }));
    close(open.reward, hamacher(0.5, inPlace) + 1 + 5 * inPlace, "open");
    // Raised 7 cm: ‖(0.046, 0.052)‖ = 0.069 ≤ 0.08 is a success, yet not under 5 cm: no jump to 10.
    const high = observationWith([-0.13, 0.7, 0.12], [-0.084, 0.7, 0.172]);
    const success = score.evaluate(high, initial, readings({ tcp: Float64Array.of(-0.13, 0.7, 0.12), padHighY: 0.74, padLowY: 0.66, gripperAction: 1 }));
    assert.equal(success.success, true);
    close(success.reward, 1 + 6 * longTailAt((Math.hypot(0.046, 0.052) - 0.05) / startDistance), "success without override");
  } finally {
    score.close();
  }
});

test("lever-pull: 10 · Hamacher(ready-to-lift, in-place) worked by hand, success within π/24 of upright with no override", () => {
  // Base (0, 0.75, 0): hinge (0.12, 0.75, 0.25), ball at rest (0.12, 0.55, 0.25), goal (0.12, 0.75, 0.45).
  const score = scorer(leverPullTask, { object: [0, 0.75, 0], goal: [0.12, 0.75, 0.45] });
  // A lever at angle θ: the ball at hinge + 0.2 (−cos θ, sin θ) in (y, z), orientation a turn of θ about −x.
  const leverAt = (angle: number, hand: readonly number[]): Float32Array => {
    const observation = observationWith([0.12, 0.75 - 0.2 * Math.cos(angle), 0.25 + 0.2 * Math.sin(angle)], [0.12, 0.75, 0.45], 0.5, hand);
    observation.set([Math.cos(angle / 2), -Math.sin(angle / 2), 0, 0], Observation.object1Quaternion);
    return observation;
  };
  try {
    const initial = leverAt(0, [0, 0.4, 0.2]);
    // ready-to-lift's margin: ‖(4, 1, 4) ⊙ (TCP at reset (0, 0.4, 0.15) + (0, 0.055, 0.07) − ball at rest)‖.
    const shoulderMargin = Math.hypot(4 * 0.12, 0.095, 4 * 0.03);
    // in-place: ‖ball − goal‖ is the chord 0.4 sin((π/2 − θ)/2); at rest 0.4 sin(π/4).
    const restChord = 0.4 * Math.sin(Math.PI / 4);
    // At 45° with the hand 1 cm above the shoulder pose (ball − (0, 0.055, 0.06)): shoulder distance 4 · 0.01.
    const ballAt45 = [0.12, 0.75 - 0.2 * Math.cos(Math.PI / 4), 0.25 + 0.2 * Math.sin(Math.PI / 4)];
    const halfway = score.evaluate(leverAt(Math.PI / 4, [0.12, ballAt45[1]! - 0.055, ballAt45[2]! - 0.06]), initial, readings({}));
    const ready = longTailAt(0.02 / shoulderMargin);
    const inPlace = longTailAt((0.4 * Math.sin(Math.PI / 8) - 0.04) / restChord);
    close(halfway.graspReward, ready, "ready-to-lift");
    close(halfway.reward, 10 * hamacher(ready, inPlace), "reward at 45°");
    close(halfway.objectToTarget, 0.04, "shoulder distance reported as obj_to_target");
    // The engagement diagnostic: long tail of (π/4 − π/48) / (π/2 − π/12).
    close(halfway.inPlaceReward, longTailAt((Math.PI / 4 - Math.PI / 48) / (Math.PI / 2 - Math.PI / 12)), "engagement");
    assert.equal(halfway.success, false);
    // 0.1 rad short of upright (within π/24): success; ball 0.4 sin(0.05) < 4 cm from the goal, so
    // in-place 1 and the reward is 10 · ready-to-lift, with the hand far off at (0.5, 0.4, 0.5) — no override.
    const angle = Math.PI / 2 - 0.1;
    const ballY = 0.75 - 0.2 * Math.cos(angle);
    const ballZ = 0.25 + 0.2 * Math.sin(angle);
    const upright = score.evaluate(leverAt(angle, [0.5, 0.4, 0.5]), initial, readings({}));
    assert.equal(upright.success, true);
    const farShoulder = Math.hypot(4 * (0.5 - 0.12), 0.4 + 0.055 - ballY, 4 * (0.5 + 0.07 - ballZ));
    close(upright.reward, 10 * longTailAt((farShoulder - 0.02) / shoulderMargin), "upright, hand away");
    assert.ok(upright.reward < 1, `upright reward ${upright.reward}`);
  } finally {
    score.close();
  }
});

test("object 1 at reset is the reference's observed point, from its model's offsets", () => {
  // [task, configuration object, goal, expected object 1]: button face = machine + (0, −0.22, 0.3);
  // mug = its base; handleStart = box + (0, −0.216, 0.15 + 0.022 − 0.001) (handle 1 mm down);
  // handleRight = box + (0.05, −0.216, 0.15 + 0.014 − 0.1); handleCenter = box + (0.17, 0, 0.15 − 0.1)
  // turned a quarter turn; leverStart = base + (0.12, −0.2, 0.25).
  const cases: [ManipulationTask, Vec3, Vec3, Vec3][] = [
    [coffeeButtonTask, [0.05, 0.85, 0], [0.05, 0.66, 0.3], [0.05, 0.63, 0.3]],
    [coffeePullTask, [0.02, 0.72, 0], [0, 0.6, 0], [0.02, 0.72, 0]],
    [coffeePushTask, [0.02, 0.6, 0], [0, 0.72, 0], [0.02, 0.6, 0]],
    [handlePressTask, [0.05, 0.85, 0], [0.05, 0.634, 0.075], [0.05, 0.634, 0.171]],
    [handlePressSideTask, [-0.3, 0.7, 0], [-0.084, 0.7, 0.075], [-0.084, 0.7, 0.171]],
    [handlePullTask, [0.05, 0.85, 0], [0.05, 0.634, 0.172], [0.1, 0.634, 0.064]],
    [handlePullSideTask, [-0.3, 0.7, 0], [-0.084, 0.7, 0.172], [-0.13, 0.7, 0.05]],
    [leverPullTask, [0, 0.75, 0], [0.12, 0.75, 0.45], [0.12, 0.55, 0.25]],
  ];
  for (const [task, object, goal, expected] of cases) {
    const simulation = new TabletopSimulation(task);
    try {
      const observation = simulation.reset({ object, goal });
      for (let axis = 0; axis < 3; axis++) {
        assert.ok(Math.abs(observation[Observation.object1Position + axis]! - expected[axis]!) < 1e-4, `${task.name} axis ${axis}: ${observation[Observation.object1Position + axis]} vs ${expected[axis]}`);
      }
      assert.deepEqual(Array.from(observation.subarray(Observation.object2Position, Observation.previousFrame)), new Array(7).fill(0), `${task.name}: object 2 unused`);
    } finally {
      simulation.close();
    }
  }
});
