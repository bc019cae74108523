import { BLOCK_HIGH, BLOCK_LOW, BlockScene, blockGraspInfo, blockWorldbody, pickAndCarryExpert } from "../block-object.js";
import { pickPlaceCagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { distance3, hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { drawUntil, planarDistance, uniformIn, type ManipulationTask } from "../task.js";

const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.05];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.3];
/** The reward's in-place radius and where it jumps to 10... */
const TARGET_RADIUS = 0.05;
/** ...while success is looser, as in the reference. */
const SUCCESS_DISTANCE = 0.07;

/**
 * pick-place: pick the block up and hold it at the goal in the air.
 *
 * The reference's v2 reward: grasp = pick-place's own caging reward (signed pad offsets, high
 * density, reading the commanded gripper action); in-place = long-tail tolerance of
 * ‖block − goal‖ within 5 cm, margin the starting distance; reward = Hamacher(grasp, in-place),
 * plus 1 + 5 · in-place while the TCP is within 2 cm of the block, the fingers not fully shut and
 * the block lifted more than 1 cm; 10 once the block is within 5 cm. Success: ‖block − goal‖ ≤
 * 0.07 (so between 5 and 7 cm success is reported with a reward below 10, as in the reference).
 * Configurations keep block and goal ≥ 15 cm apart in xy.
 */
export const pickPlaceTask: ManipulationTask = {
  name: "pick-place",
  description: "Pick up the block and place it at a target point in the air, holding it there. Each configuration places the block and the target point at random.",
  scene: { name: "pick-place", worldbody: blockWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    return drawUntil(
      () => ({ object: uniformIn(rng, BLOCK_LOW, BLOCK_HIGH), goal: uniformIn(rng, GOAL_LOW, GOAL_HIGH) }),
      (candidate) => planarDistance(candidate.object, candidate.goal) >= 0.15,
    );
  },
  bind(simulation) {
    const scene = new BlockScene(simulation);
    return {
      reset: (configuration) => scene.reset(configuration),
      observeObjects: (out, offset) => scene.observeObjects(out, offset),
      evaluate(observation, initial, gripper) {
        const block = objectPosition(observation);
        const blockStart = objectPosition(initial);
        const opening = observation[Observation.gripperOpening]!;
        const tcpToBlock = tcpDistance(gripper, block);
        const toGoal = distance3(observation, Observation.object1Position, observation, Observation.goal);
        const inPlace = longTailTolerance(toGoal, TARGET_RADIUS, distance3(initial, Observation.object1Position, initial, Observation.goal));
        const grasp = pickPlaceCagingReward(gripper, block, blockStart);
        let reward = hamacherProduct(grasp, inPlace);
        if (tcpToBlock < 0.02 && opening > 0 && block[2] - 0.01 > blockStart[2]) reward += 1 + 5 * inPlace;
        if (toGoal < TARGET_RADIUS) reward = 10;
        return {
          reward,
          success: toGoal <= SUCCESS_DISTANCE,
          ...blockGraspInfo(gripper, block, blockStart, opening),
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    };
  },
  createExpert: () => pickAndCarryExpert(goalPosition),
};
