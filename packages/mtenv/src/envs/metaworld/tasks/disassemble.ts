import { Observation, goalPosition } from "../observation-layout.js";
import { longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { drawUntil, planarDistance, uniformIn, type ManipulationTask } from "../task.js";
import { WrenchScene, wrenchExpert, wrenchGraspOptions, wrenchGraspReward, wrenchLevelReward, wrenchWorldbody } from "../wrench.js";

/** The wrench's range (its ring's centre, placed 6 mm above its resting height as the reference does). */
const WRENCH_LOW: Vec3 = [0, 0.6, 0.025];
const WRENCH_HIGH: Vec3 = [0.1, 0.75, 0.025];
/** The reference draws a goal in this xy box only to reject wrench places within 10 cm of it. */
const DISCARDED_GOAL_LOW: Vec3 = [-0.1, 0.6, 0.17];
const DISCARDED_GOAL_HIGH: Vec3 = [0.1, 0.75, 0.17];
/** The goal: 15 cm above the wrench's start. */
const LIFT = 0.15;
/** The peg's top, 8 cm above the wrench's placement height (the reference's pegTop). */
const PEG_TOP_Z = 0.105;
/** The grasp term's caging options: high density. */
const GRASP_OPTIONS = wrenchGraspOptions({ highDensity: true });

/**
 * disassemble: lift the wrench's ring up off the peg it sits on.
 *
 * Object 1 is the wrench's handle point (13 cm +x of the ring's centre, the reference's
 * RoundNut-8 site) and the wrench's orientation; object 2 is unused; the goal is 15 cm above the
 * wrench's start. The reference's v2 reward: grasp = the wrench grasp term (caging on the handle
 * under the hand, high density, full gripping at a[3] = 1); in-place = 0.1 · [ring's centre above
 * 2 cm] + 0.9 · long-tail tolerance of ‖goal + (0, 0, 0.1) − ring's centre‖ within 2 cm, margin
 * 0.2; level = the wrench level term; reward = (2 · grasp + 6 · in-place) · level, 10 on success.
 * Success: the handle point above the goal's height. Info: near_object = the level term,
 * grasp_success = grasp ≥ 0.5, obj_to_target 0.
 *
 * Differs from the reference: the ring is eight capsules like its collision shapes, the wrench
 * weighs 60 g (its 220 g would twist out of our finger pads 13 cm from the ring), the peg is a
 * plain cylinder standing on the table.
 */
export const disassembleTask: ManipulationTask = {
  name: "disassemble",
  description: "Disassemble the wrench from the peg: grip it by its handle and lift its ring up off the peg. Each configuration places the peg with the wrench around it at random.",
  scene: { name: "disassemble", worldbody: wrenchWorldbody(PEG_TOP_Z) },
  successThreshold: LIFT,
  handStart: [0, 0.4, 0.2],
  sampleConfiguration(rng) {
    const drawn = drawUntil(
      () => ({ wrench: uniformIn(rng, WRENCH_LOW, WRENCH_HIGH), discarded: uniformIn(rng, DISCARDED_GOAL_LOW, DISCARDED_GOAL_HIGH) }),
      (candidate) => planarDistance(candidate.wrench, candidate.discarded) >= 0.1,
    );
    const [x, y, z] = drawn.wrench;
    return { object: drawn.wrench, goal: [x, y, z + LIFT], secondObject: [x, y, 0] };
  },
  bind(simulation) {
    const scene = new WrenchScene(simulation);
    return {
      reset: (configuration) => scene.reset(configuration.object, configuration.secondObject ?? [configuration.object[0], configuration.object[1], 0]),
      observeObjects: (out, offset) => scene.observeObjects(out, offset),
      evaluate(observation, initial, gripper) {
        const grasp = wrenchGraspReward(observation, initial, gripper, GRASP_OPTIONS);
        const centre = scene.readCentre();
        const goal = Observation.goal;
        const toRaisedGoal = Math.hypot(observation[goal]! - centre[0]!, observation[goal + 1]! - centre[1]!, observation[goal + 2]! + 0.1 - centre[2]!);
        const inPlace = 0.1 * (centre[2]! > 0.02 ? 1 : 0) + 0.9 * longTailTolerance(toRaisedGoal, 0.02, 0.2);
        const level = wrenchLevelReward(observation);
        const success = observation[Observation.object1Position + 2]! > observation[goal + 2]!;
        return {
          reward: success ? 10 : (2 * grasp + 6 * inPlace) * level,
          success,
          nearObject: level,
          graspSuccess: grasp >= 0.5,
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: 0,
        };
      },
    };
  },
  // Straight up, 5 cm past the goal's height.
  createExpert: () => wrenchExpert((handle, observation) => [handle[0], handle[1], goalPosition(observation)[2] + 0.05]),
};
