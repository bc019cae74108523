import { BLOCK_HIGH, BLOCK_LOW, BlockScene, blockWorldbody, graspScore, isHoldingBlock, pickAndCarryExpert } from "../block-object.js";
import { Observation } from "../observation-layout.js";
import { clampReward, distance3, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";

const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.05];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.3];
const SUCCESS_DISTANCE = 0.07;

/**
 * pick-place: pick the block up and hold it at the goal in the air.
 *
 * Reward (in [0, 10]): 2 · grasp (TCP near the block, fingers closed on it) + 1 + 5 · in-place
 * while the block is held and lifted (in-place: long-tail tolerance of ‖block − goal‖ within 7 cm,
 * margin the starting distance); 10 on success. Success: ‖block − goal‖ ≤ 0.07.
 */
export const pickPlaceTask: ManipulationTask = {
  name: "pick-place",
  description: "Pick up the block and place it at a target point in the air, holding it there. Each configuration places the block and the target point at random.",
  scene: { name: "pick-place", worldbody: blockWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  sampleConfiguration(rng) {
    return { object: uniformIn(rng, BLOCK_LOW, BLOCK_HIGH), goal: uniformIn(rng, GOAL_LOW, GOAL_HIGH) };
  },
  bind(simulation) {
    const scene = new BlockScene(simulation);
    return {
      reset: (configuration) => scene.reset(configuration),
      observeObjects: (out, offset) => scene.observeObjects(out, offset),
      evaluate(observation, initial) {
        const toGoal = distance3(observation, Observation.object1Position, observation, Observation.goal);
        if (toGoal <= SUCCESS_DISTANCE) return { reward: 10, success: true };
        const inPlace = longTailTolerance(toGoal, SUCCESS_DISTANCE, distance3(initial, Observation.object1Position, initial, Observation.goal));
        let reward = 2 * graspScore(observation, initial);
        const lifted = observation[Observation.object1Position + 2]! - initial[Observation.object1Position + 2]! > 0.01;
        if (lifted && isHoldingBlock(observation)) reward += 1 + 5 * inPlace;
        return { reward: clampReward(reward), success: false };
      },
    };
  },
  createExpert: () => pickAndCarryExpert((observation) => [observation[36]!, observation[37]!, observation[38]!]),
};
