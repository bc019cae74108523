import { BLOCK_HIGH, BLOCK_LOW, BlockScene, blockWorldbody, moveTowards } from "../block-object.js";
import { Observation } from "../observation-layout.js";
import { distance3, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";

const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.05];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.3];
const SUCCESS_DISTANCE = 0.05;

/**
 * reach: bring the gripper's tool centre point to the goal (the block is there but plays no part,
 * as in the reference, whose observation still shows it).
 *
 * Reward (in [0, 10]): 10 · long-tail tolerance of ‖TCP − goal‖ within 5 cm, margin the starting
 * distance (so 10 exactly at success). Success: ‖TCP − goal‖ ≤ 0.05.
 */
export const reachTask: ManipulationTask = {
  name: "reach",
  description: "Reach a target point in the air above the table with the gripper. Each configuration places the target point at random.",
  scene: { name: "reach", worldbody: blockWorldbody() },
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
        const toGoal = distance3(observation, Observation.hand, observation, Observation.goal);
        const margin = distance3(initial, Observation.hand, initial, Observation.goal);
        return { reward: 10 * longTailTolerance(toGoal, SUCCESS_DISTANCE, margin), success: toGoal <= SUCCESS_DISTANCE };
      },
    };
  },
  createExpert: () => ({
    act(observation, action) {
      moveTowards(observation, [observation[36]!, observation[37]!, observation[38]!], 0, action);
    },
  }),
};
