import { ArticulatedObject } from "../articulated-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { initialTcpDistance, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { FINGER_PAD_HALF_SIZE, FINGER_TRAVEL, SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

/** Success: the cap's front face within this distance (in y) of the goal (the reference's 0.02). */
const SUCCESS_DISTANCE = 0.02;
/** The cap's front face at rest, in front (−y) of the box's origin, as in the reference (0.193). */
const CAP_FRONT = 0.193;
/** The goal: the point in front of the box's origin the face must be pushed to (the reference's 0.1). */
const GOAL_FRONT = 0.1;
/** The button's travel into its box: enough to reach the goal and a little beyond. */
const TRAVEL = 0.095;
/** The button's height, and the box range of the reference. */
const BUTTON_HEIGHT = 0.115;
const BOX_LOW: Vec3 = [-0.1, 0.85, BUTTON_HEIGHT];
const BOX_HIGH: Vec3 = [0.1, 0.9, BUTTON_HEIGHT];

/**
 * button-press: push a button that faces the hand (towards −y) into its box.
 *
 * The object position is the centre of the button cap's front face (19.3 cm in front of the box
 * origin at rest); the goal is the point 10 cm in front of the box origin, so the face must travel
 * at least 7.3 cm. The reference's v2 reward, no success override: 2 · Hamacher(max(opening, 0),
 * near) + (TCP within 5 cm of the face ? 8 · pressed : 0), where opening is the observed obs[3]
 * (so it favours an open gripper; the commanded action is not read), near = long-tail tolerance of
 * ‖TCP − face‖ within 5 cm, margin the face's distance from the TCP at reset, and pressed =
 * long-tail tolerance of the face's y distance to the goal within 5 mm, margin its value at reset.
 * Success: |face y − goal y| ≤ 0.02. The hand starts at (0, 0.4, 0.2), as in the reference.
 * Differences: our box is a plain block, and our expert presses with a finger pad, its TCP within
 * 5 cm of the face (the reference's scripted policy presses with the hand body, its TCP under the
 * button and so never near it).
 */
export const buttonPressTask: ManipulationTask = sideButtonTask({
  name: "button-press",
  description: "Push the button that faces you straight into its box. Each configuration places the button box at random.",
  boxRange: [BOX_LOW, BOX_HIGH],
  extraWorldbody: "",
  nearBound: 0.05,
  reward: ({ opening, near, pressed, tcpToFace }) => 2 * hamacherProduct(Math.max(opening, 0), near) + (tcpToFace <= 0.05 ? 8 * pressed : 0),
  successDistance: SUCCESS_DISTANCE,
  createExpert: () => sideButtonExpert(),
});

/** What distinguishes the front-facing button tasks; the rest is shared (see buttonPressTask). */
export interface SideButtonVariant {
  readonly name: string;
  readonly description: string;
  readonly boxRange: readonly [Vec3, Vec3];
  /** MJCF added to the scene (a wall). */
  readonly extraWorldbody: string;
  /** The "near" term's bound on ‖TCP − face‖. */
  readonly nearBound: number;
  /** The reward from the terms (no success override in either button task). */
  readonly reward: (terms: SideButtonTerms) => number;
  /** Success: the face's y distance to the goal at most this. */
  readonly successDistance: number;
  readonly createExpert: () => ExpertPolicy;
}

/** What the front-facing button rewards read. */
export interface SideButtonTerms {
  /** The observed opening obs[3]. */
  readonly opening: number;
  /** Long-tail tolerance of ‖TCP − face‖ within the variant's bound, margin the face's distance from the TCP at reset. */
  readonly near: number;
  /** Long-tail tolerance of the face's y distance to the goal within 5 mm, margin its value at reset. */
  readonly pressed: number;
  readonly tcpToFace: number;
}

/** A front-facing button task: the button box, the reference's button-press reward, the expert. */
export function sideButtonTask(variant: SideButtonVariant): ManipulationTask {
  return {
    name: variant.name,
    description: variant.description,
    scene: { name: variant.name, worldbody: `${sideButtonWorldbody()}\n${variant.extraWorldbody}` },
    successThreshold: variant.successDistance,
    handStart: [0, 0.4, 0.2],
    sampleConfiguration(rng) {
      const box = uniformIn(rng, variant.boxRange[0], variant.boxRange[1]);
      return { object: box, goal: [box[0], box[1] - GOAL_FRONT, box[2]] };
    },
    bind(simulation) {
      const button = new ArticulatedObject(simulation, { base: "side_button_box", joint: "side_button_travel", handleSite: "side_button_front", movingBody: "side_button" });
      return {
        reset: (configuration) => button.reset(configuration, 0),
        observeObjects: (out, offset) => button.observeObjects(out, offset),
        evaluate(observation, initial, gripper) {
          const face = objectPosition(observation);
          const tcpToFace = tcpDistance(gripper, face);
          const faceToGoal = Math.abs(goalPosition(observation)[1] - face[1]);
          const faceToGoalAtReset = Math.abs(goalPosition(initial)[1] - objectPosition(initial)[1]);
          const opening = observation[Observation.gripperOpening]!;
          const near = longTailTolerance(tcpToFace, variant.nearBound, initialTcpDistance(gripper, face));
          const pressed = longTailTolerance(faceToGoal, 0.005, faceToGoalAtReset);
          return {
            reward: variant.reward({ opening, near, pressed, tcpToFace }),
            success: faceToGoal <= variant.successDistance,
            nearObject: tcpToFace <= 0.05 ? 1 : 0,
            graspSuccess: opening > 0,
            graspReward: near,
            inPlaceReward: pressed,
            objectToTarget: faceToGoal,
          };
        },
      };
    },
    createExpert: variant.createExpert,
  };
}

/** The box (a mocap body at the configuration's object position) and its spring-loaded button along +y. */
function sideButtonWorldbody(): string {
  const capHalfLength = 0.05;
  return `    <body name="side_button_box" mocap="true" pos="0 0.9 ${BUTTON_HEIGHT}">
      <geom name="side_button_box" type="box" class="decor" pos="0 0.01 0" size="0.1 0.1 ${BUTTON_HEIGHT}" rgba="${SceneColors.cabinet}"/>
      <geom name="side_button_collar" type="cylinder" class="decor" euler="1.5708 0 0" pos="0 -0.093 0" size="0.032 0.004" rgba="${SceneColors.handle}"/>
      <body name="side_button">
        <joint name="side_button_travel" type="slide" axis="0 1 0" range="0 ${TRAVEL}" stiffness="20" springref="0" damping="1"/>
        <geom name="side_button_cap" type="cylinder" class="handle" euler="1.5708 0 0" pos="${vec(0, -CAP_FRONT + capHalfLength, 0)}" size="${vec(0.022, capHalfLength)}" mass="0.02" rgba="${SceneColors.object}"/>
        <site name="side_button_front" pos="${vec(0, -CAP_FRONT, 0)}" size="0.005"/>
      </body>
    </body>`;
}

/** The expert's gripper action: fingers part-closed (2 cm each side of the TCP), so the TCP stays within 5 cm of the face while a pad presses it. */
export const PRESS_GRIP = 0.03;

/**
 * Line the +y finger pad up with the cap, `standOffGap` in front of it, then push along +y until
 * the face is just past the goal. `grip` is the gripper action throughout.
 */
export function sideButtonExpert(grip = PRESS_GRIP, standOffGap = 0.03): ExpertPolicy {
  // The +y pad's outer face is this far ahead of the TCP.
  const padAhead = FINGER_TRAVEL - Math.min(grip, FINGER_TRAVEL) + 2 * FINGER_PAD_HALF_SIZE[1];
  let pushing = false;
  return {
    act(observation, action) {
      const face = objectPosition(observation);
      const goal = goalPosition(observation);
      const hand = expertTcp(observation);
      const lateralError = Math.hypot(hand[0] - face[0], hand[2] - face[2]);
      const standOff = face[1] - padAhead - standOffGap;
      if (lateralError < 0.006 && hand[1] <= standOff + 0.01) pushing = true;
      const target: Vec3 = pushing ? [face[0], goal[1] - padAhead + 0.01, face[2]] : [face[0], standOff, face[2]];
      moveTowards(observation, target, grip, action);
    },
  };
}
