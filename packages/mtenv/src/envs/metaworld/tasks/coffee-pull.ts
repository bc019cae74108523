import { expertTcp, moveTowards } from "../expert-motion.js";
import { GripApproach } from "../grip-approach.js";
import { CoffeeScene, MUG_GRIP_HEIGHT, MugReward, coffeeMachineWorldbody } from "../coffee-machine.js";
import { add } from "../vector.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import type { Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type ExpertPolicy, type ManipulationTask, type TaskConfiguration } from "../task.js";
import type { Rng } from "../../../core/rng.js";

/** Success: the mug's base within this distance of the goal (both on the table: in effect 7 cm in xy). */
export const MUG_SUCCESS_DISTANCE = 0.07;
/** The machine stands this far behind (+y) the mug's place under its spout. */
const MACHINE_BEHIND_MUG: Vec3 = [0, 0.22, 0];

/**
 * coffee-pull: pull the mug from under the coffee machine's spout to a spot in front.
 *
 * The mug starts under the spout (mug range x ±0.05, y 0.7–0.75; the machine 0.22 m behind it);
 * the goal is on the table (x ±0.1, y 0.55–0.65), redrawn until ≥ 15 cm from the mug in xy, as the
 * reference does. Object 1 is the centre of the mug's base and its orientation (w, x, y, z; the reference
 * reports scipy's x, y, z, w). The reference's v2 reward (MugReward): Hamacher(grasp,
 * in-place) + (1 + 5 · in-place while the TCP is within 4 cm of the mug and the observed opening
 * is above 0), 10 once ‖(2, 2, 1) ⊙ (mug − goal)‖ < 5 cm. Success: ‖mug − goal‖ ≤ 0.07. Info:
 * near_object = TCP within 3 cm of the mug; grasp_success always false, as the reference's (it
 * asks for pad contacts with the mug's visual mesh, which has no collisions). The hand starts at
 * (0, 0.4, 0.2). Differences: a plain cylinder mug and box machine; the expert grips the mug
 * half way up and slides it on the table (the reference's grips it with effort 0.7).
 */
export const coffeePullTask: ManipulationTask = mugTask({
  name: "coffee-pull",
  description: "Pull the mug out from under the coffee machine's spout and set it on the target spot in front. Each configuration places the mug with its machine and the target spot at random.",
  mugRange: [[-0.05, 0.7, -0.001], [0.05, 0.75, 0.001]],
  goalRange: [[-0.1, 0.55, -0.001], [0.1, 0.65, 0.001]],
  machineOf: (configuration) => add(configuration.object, MACHINE_BEHIND_MUG),
});

/** What distinguishes coffee-pull from coffee-push: ranges and where the machine stands. */
export interface MugTaskVariant {
  readonly name: string;
  readonly description: string;
  readonly mugRange: readonly [Vec3, Vec3];
  readonly goalRange: readonly [Vec3, Vec3];
  /** The machine's base for a configuration (behind the mug's start or behind the goal). */
  readonly machineOf: (configuration: TaskConfiguration) => Vec3;
}

/** A mug-moving task: the scene, configurations, the shared reward and the grip-and-slide expert. */
export function mugTask(variant: MugTaskVariant): ManipulationTask {
  return {
    name: variant.name,
    description: variant.description,
    scene: { name: variant.name, worldbody: coffeeMachineWorldbody() },
    successThreshold: MUG_SUCCESS_DISTANCE,
    handStart: [0, 0.4, 0.2],
    sampleConfiguration(rng: Rng) {
      return drawObjectAndGoalApart(rng, variant.mugRange, variant.goalRange);
    },
    bind(simulation) {
      const scene = new CoffeeScene(simulation);
      const terms = new MugReward();
      // The reference's obj_init_pos: where the mug's base was placed.
      let mugStart: Vec3 = [0, 0, 0];
      return {
        reset(configuration) {
          mugStart = configuration.object;
          scene.place(variant.machineOf(configuration), configuration.object);
        },
        observeObjects: (out, offset) => scene.observeMug(out, offset),
        evaluate(observation, _initial, gripper) {
          const mug = objectPosition(observation);
          const opening = observation[Observation.gripperOpening]!;
          terms.evaluate(mug, mugStart, goalPosition(observation), opening, gripper);
          return {
            reward: terms.reward,
            success: terms.toGoal <= MUG_SUCCESS_DISTANCE,
            nearObject: terms.tcpToMug <= 0.03 ? 1 : 0,
            // The reference tests contacts with its mug's visual mesh, which never collides: always 0.
            graspSuccess: false,
            graspReward: terms.grasp,
            inPlaceReward: terms.inPlace,
            objectToTarget: terms.toGoal,
          };
        },
      };
    },
    createExpert: mugSlideExpert,
  };
}

/**
 * Scripted mug slide: hover over the mug with the fingers open, come down until the pads straddle
 * it half way up, close, then slide it over the table to the goal at that height. Starts over if
 * the mug slips out of the fingers.
 */
function mugSlideExpert(): ExpertPolicy {
  const approach = new GripApproach({ closeWithin: 0.008, closingSteps: 10 });
  return {
    act(observation, action) {
      const mug = objectPosition(observation);
      const grip: Vec3 = [mug[0], mug[1], mug[2] + MUG_GRIP_HEIGHT];
      if (!approach.advance(observation, expertTcp(observation), grip, action)) return;
      moveTowards(observation, [observation[Observation.goal]!, observation[Observation.goal + 1]!, grip[2]], 1, action);
    },
  };
}
