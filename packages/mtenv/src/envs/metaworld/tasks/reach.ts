import { BLOCK_HIGH, BLOCK_LOW, bindBlockTask, blockWorldbody } from "../block-object.js";
import { moveTowards } from "../expert-motion.js";
import { tcpDistance } from "../gripper-caging.js";
import { goalPosition } from "../observation-layout.js";
import { longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type GripperReadings, type ManipulationTask } from "../task.js";

const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.05];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.3];
/** Success: the TCP within this distance of the goal (reach and reach-wall). */
export const REACH_TARGET_RADIUS = 0.05;
const HAND_START: Vec3 = [0, 0.6, 0.2];

/**
 * reach: bring the gripper's tool centre point to the goal (the block is there but plays no part,
 * as in the reference, whose observation still shows it).
 *
 * The reference's v2 reward: 10 · long-tail tolerance of ‖TCP − goal‖ within 5 cm, margin the
 * distance from the hand's start position to the goal (so 10 exactly at success); no dependence on
 * the gripper. Success: ‖TCP − goal‖ ≤ 0.05. Configurations keep block and goal ≥ 15 cm apart in
 * xy, as the reference's rejection loop does. Info: near_object, grasp_reward and obj_to_target
 * are all ‖TCP − goal‖ and grasp_success is always true, as in the reference.
 */
export const reachTask: ManipulationTask = {
  name: "reach",
  description: "Reach a target point in the air above the table with the gripper. Each configuration places the target point at random.",
  scene: { name: "reach", worldbody: blockWorldbody() },
  successThreshold: REACH_TARGET_RADIUS,
  handStart: HAND_START,
  sampleConfiguration: (rng) => drawObjectAndGoalApart(rng, [BLOCK_LOW, BLOCK_HIGH], [GOAL_LOW, GOAL_HIGH]),
  bind: (simulation) =>
    bindBlockTask(simulation, (observation, _initial, gripper) => {
      const { toGoal, inPlace } = reachTerms(observation, gripper, HAND_START);
      return {
        reward: 10 * inPlace,
        success: toGoal <= REACH_TARGET_RADIUS,
        nearObject: toGoal,
        graspSuccess: true,
        graspReward: toGoal,
        inPlaceReward: inPlace,
        objectToTarget: toGoal,
      };
    }),
  createExpert: () => ({
    act(observation, action) {
      moveTowards(observation, goalPosition(observation), 0, action);
    },
  }),
};

/**
 * The reach tasks' terms: ‖TCP − goal‖ and its long-tail tolerance within REACH_TARGET_RADIUS,
 * margin the distance from the hand's start position (`handStart`) to the goal; the reward is
 * 10 × it.
 */
export function reachTerms(observation: Float32Array, gripper: GripperReadings, handStart: Vec3): { toGoal: number; inPlace: number } {
  const goal = goalPosition(observation);
  const toGoal = tcpDistance(gripper, goal);
  const margin = Math.hypot(handStart[0] - goal[0], handStart[1] - goal[1], handStart[2] - goal[2]);
  return { toGoal, inPlace: longTailTolerance(toGoal, REACH_TARGET_RADIUS, margin) };
}
