import { BLOCK_HIGH, BLOCK_LOW, BlockScene, blockWorldbody, graspScore, isHoldingBlock, pickAndCarryExpert } from "../block-object.js";
import { Observation } from "../observation-layout.js";
import { clampReward, distance3, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";

const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.01];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.02];
const SUCCESS_DISTANCE = 0.05;

/**
 * push: move the block along the table to a goal on the table.
 *
 * Reward (in [0, 10]): 2 · grasp (TCP at the block with the fingers closed on it) + 1 + 5 ·
 * in-place while the gripper holds the block (in-place: long-tail tolerance of ‖block − goal‖
 * within 5 cm, margin the starting distance); 10 on success. Success: ‖block − goal‖ ≤ 0.05.
 */
export const pushTask: ManipulationTask = {
  name: "push",
  description: "Push the block along the table until it rests on the target spot. Each configuration places the block and the target spot at random.",
  scene: { name: "push", worldbody: blockWorldbody() },
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
        if (isHoldingBlock(observation)) reward += 1 + 5 * inPlace;
        return { reward: clampReward(reward), success: false };
      },
    };
  },
  // Grip the block and slide it: the carry target keeps the block's height on the table.
  createExpert: () => pickAndCarryExpert((observation) => [observation[36]!, observation[37]!, observation[6]!]),
};
