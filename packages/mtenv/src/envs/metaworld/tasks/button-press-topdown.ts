import { ArticulatedObject } from "../articulated-object.js";
import { moveTowards } from "../block-object.js";
import { Observation } from "../observation-layout.js";
import { distance3, linearTolerance, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { FINGER_PAD_HALF_SIZE, SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

const SUCCESS_DISTANCE = 0.02;
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
 * (z 0.115). Reward (in [0, 10]): 5 · reach (TCP within 3 cm of the cap top, long tail) +
 * 5 · progress (cap-to-goal distance falling linearly from the full travel to 2 cm); 10 on
 * success. Success: ‖cap top − goal‖ ≤ 0.02 (pressed at least halfway).
 */
export const buttonPressTopdownTask: ManipulationTask = {
  name: "button-press-topdown",
  description: "Press the button down into its box from above. Each configuration places the button box at random.",
  scene: { name: "button-press-topdown", worldbody: buttonWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  sampleConfiguration(rng) {
    const box = uniformIn(rng, BOX_LOW, BOX_HIGH);
    return { object: box, goal: [box[0], box[1], PRESSED_TOP] };
  },
  bind(simulation) {
    const button = new ArticulatedObject(simulation, { base: "button_box", joint: "button_travel", handleSite: "button_top", movingBody: "button" });
    return {
      reset: (configuration) => button.reset(configuration, 0),
      observeObjects: (out, offset) => button.observeObjects(out, offset),
      evaluate(observation, initial) {
        const toGoal = distance3(observation, Observation.object1Position, observation, Observation.goal);
        if (toGoal <= SUCCESS_DISTANCE) return { reward: 10, success: true };
        const reach = longTailTolerance(
          distance3(observation, Observation.hand, observation, Observation.object1Position),
          0.03,
          distance3(initial, Observation.hand, initial, Observation.object1Position),
        );
        const progress = linearTolerance(toGoal, SUCCESS_DISTANCE, TRAVEL - SUCCESS_DISTANCE);
        return { reward: Math.min(10, 5 * reach + 5 * progress), success: false };
      },
    };
  },
  createExpert: buttonExpert,
};

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

/** Hover above the cap with the fingers closed, then push down until the pads are below the goal. */
function buttonExpert(): ExpertPolicy {
  let descending = false;
  return {
    act(observation, action) {
      const cap: Vec3 = [observation[4]!, observation[5]!, observation[6]!];
      const hand: Vec3 = [observation[0]!, observation[1]!, observation[2]!];
      const horizontalError = Math.hypot(hand[0] - cap[0], hand[1] - cap[1]);
      if (horizontalError < 0.006) descending = true;
      const padBottomToTcp = FINGER_PAD_HALF_SIZE[2];
      const target: Vec3 = descending
        ? [cap[0], cap[1], observation[38]! + padBottomToTcp - 0.015]
        : [cap[0], cap[1], Math.max(hand[2], cap[2] + padBottomToTcp + 0.03)];
      moveTowards(observation, target, 1, action);
    },
  };
}
