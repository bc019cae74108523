import { ArticulatedObject } from "../articulated-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { initialTcpDistance, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { FINGER_PAD_HALF_SIZE, SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

/** Success: the cap top within this height of pressed (the reference's 0.024). */
const SUCCESS_DISTANCE = 0.024;
/** Button travel from rest to fully pressed. */
const TRAVEL = 0.04;
/** Height of the button cap's top when fully pressed: the goal height. */
const PRESSED_TOP = 0.115;
const BOX_LOW: Vec3 = [-0.1, 0.8, 0];
const BOX_HIGH: Vec3 = [0.1, 0.9, 0];

/**
 * button-press-topdown: press a spring-loaded button down from above.
 *
 * The object position is the button cap's top centre; the goal is that point fully pressed
 * (z 0.115). The reference's v2 reward, no success override: 5 · Hamacher(1 − gripper opening,
 * near) + (TCP within 3 cm of the cap top ? 5 · pressed : 0), where near = long-tail tolerance of
 * ‖TCP − cap top‖ within 1 cm, margin the cap top's distance from the TCP at reset, and pressed =
 * long-tail tolerance of the cap's height above pressed within 5 mm, margin the full travel. It
 * reads the observed opening, not the commanded action. Success: |cap top z − goal z| ≤ 0.024.
 * The hand starts at y 0.4, as in the reference.
 */
export const buttonPressTopdownTask: ManipulationTask = topdownButtonTask({
  name: "button-press-topdown",
  description: "Press the button down into its box from above. Each configuration places the button box at random.",
  // The reference rewards a closed gripper here: 1 − the observed opening.
  gripperTerm: (opening) => 1 - opening,
  extraWorldbody: "",
  expertApproachGrip: 1,
});

/** What distinguishes the top-down button tasks; the rest is shared (see buttonPressTopdownTask). */
export interface TopdownButtonVariant {
  readonly name: string;
  readonly description: string;
  /** The gripper factor of the "near" term, from the observed opening obs[3]. */
  readonly gripperTerm: (opening: number) => number;
  /** MJCF added to the scene (a wall). */
  readonly extraWorldbody: string;
  /** The expert's gripper action until it presses (then closed): the one gripperTerm favours. */
  readonly expertApproachGrip: number;
}

/** A top-down button task: the button box, the reference's reward with `variant.gripperTerm`, the expert. */
export function topdownButtonTask(variant: TopdownButtonVariant): ManipulationTask {
  return {
    name: variant.name,
    description: variant.description,
    scene: { name: variant.name, worldbody: `${buttonWorldbody()}\n${variant.extraWorldbody}` },
    successThreshold: SUCCESS_DISTANCE,
    handStart: [0, 0.4, 0.2],
    sampleConfiguration(rng) {
      const box = uniformIn(rng, BOX_LOW, BOX_HIGH);
      return { object: box, goal: [box[0], box[1], PRESSED_TOP] };
    },
    bind(simulation) {
      const button = new ArticulatedObject(simulation, { base: "button_box", joint: "button_travel", handleSite: "button_top", movingBody: "button" });
      return {
        reset: (configuration) => button.reset(configuration, 0),
        observeObjects: (out, offset) => button.observeObjects(out, offset),
        evaluate(observation, _initial, gripper) {
          const cap = objectPosition(observation);
          const tcpToCap = tcpDistance(gripper, cap);
          const heightAbovePressed = Math.abs(goalPosition(observation)[2] - cap[2]);
          const opening = observation[Observation.gripperOpening]!;
          const near = longTailTolerance(tcpToCap, 0.01, initialTcpDistance(gripper, cap));
          const pressed = longTailTolerance(heightAbovePressed, 0.005, TRAVEL);
          let reward = 5 * hamacherProduct(variant.gripperTerm(opening), near);
          if (tcpToCap <= 0.03) reward += 5 * pressed;
          return {
            reward,
            success: heightAbovePressed <= SUCCESS_DISTANCE,
            nearObject: tcpToCap <= 0.05 ? 1 : 0,
            graspSuccess: opening > 0,
            graspReward: near,
            inPlaceReward: pressed,
            objectToTarget: heightAbovePressed,
          };
        },
      };
    },
    createExpert: () => buttonExpert(variant.expertApproachGrip),
  };
}

function buttonWorldbody(): string {
  const restTop = PRESSED_TOP + TRAVEL;
  return `    <body name="button_box" mocap="true" pos="0 0.85 0">
      <geom name="button_box" type="box" class="decor" pos="0 0 0.05" size="0.045 0.045 0.05" rgba="${SceneColors.cabinet}"/>
      <geom name="button_collar" type="cylinder" class="decor" pos="0 0 0.104" size="0.03 0.004" rgba="${SceneColors.handle}"/>
      <body name="button">
        <joint name="button_travel" type="slide" axis="0 0 -1" range="0 ${TRAVEL}" stiffness="30" springref="0" damping="1"/>
        <geom name="button_cap" type="cylinder" class="handle" pos="${vec(0, 0, restTop - 0.025)}" size="0.022 0.025" mass="0.02" rgba="${SceneColors.object}"/>
        <site name="button_top" pos="${vec(0, 0, restTop)}" size="0.005"/>
      </body>
    </body>`;
}

/**
 * Hover above the cap with the gripper at `approachGrip`, then close the fingers and push down
 * until the pads are below the goal.
 */
function buttonExpert(approachGrip: number): ExpertPolicy {
  let descending = false;
  return {
    act(observation, action) {
      const cap: Vec3 = [observation[4]!, observation[5]!, observation[6]!];
      const hand = expertTcp(observation);
      const horizontalError = Math.hypot(hand[0] - cap[0], hand[1] - cap[1]);
      if (horizontalError < 0.006) descending = true;
      const padBottomToTcp = FINGER_PAD_HALF_SIZE[2];
      const target: Vec3 = descending
        ? [cap[0], cap[1], observation[38]! + padBottomToTcp - 0.015]
        : [cap[0], cap[1], Math.max(hand[2], cap[2] + padBottomToTcp + 0.03)];
      moveTowards(observation, target, descending ? 1 : approachGrip, action);
    },
  };
}
