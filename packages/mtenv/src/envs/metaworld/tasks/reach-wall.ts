import { bindBlockTask, blockWorldbody } from "../block-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { goalPosition } from "../observation-layout.js";
import type { Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type ManipulationTask } from "../task.js";
import { WALL_TASK_BLOCK_RANGE, overWall, wallWorldbody } from "../wall.js";
import { REACH_TARGET_RADIUS, reachTerms } from "./reach.js";

const GOAL_LOW: Vec3 = [-0.05, 0.85, 0.05];
const GOAL_HIGH: Vec3 = [0.05, 0.9, 0.3];
const HAND_START: Vec3 = [0, 0.6, 0.2];

/**
 * reach-wall: reach a goal behind a wall with the gripper's tool centre point.
 *
 * reach's reward and success (the reference's reach-wall v2 is the same): 10 · long-tail tolerance
 * of ‖TCP − goal‖ within 5 cm, margin the hand start's distance to the goal; success ‖TCP − goal‖
 * ≤ 0.05. The reference's ranges (block x ±0.05, y 0.6–0.65; goal x ±0.05, y 0.85–0.9, z
 * 0.05–0.3), block and goal ≥ 15 cm apart in xy; the wall (wall.ts) stands between them. Info as
 * the reference's: near_object, grasp_success and grasp_reward are 0.
 */
export const reachWallTask: ManipulationTask = {
  name: "reach-wall",
  description: "Reach a target point behind a wall with the gripper, going over the wall. Each configuration places the target point at random.",
  scene: { name: "reach-wall", worldbody: `${blockWorldbody()}\n${wallWorldbody()}` },
  successThreshold: REACH_TARGET_RADIUS,
  handStart: HAND_START,
  sampleConfiguration: (rng) => drawObjectAndGoalApart(rng, WALL_TASK_BLOCK_RANGE, [GOAL_LOW, GOAL_HIGH]),
  bind: (simulation) =>
    bindBlockTask(simulation, (observation, _initial, gripper) => {
      const { toGoal, inPlace } = reachTerms(observation, gripper, HAND_START);
      return {
        reward: 10 * inPlace,
        success: toGoal <= REACH_TARGET_RADIUS,
        nearObject: 0,
        graspSuccess: false,
        graspReward: 0,
        inPlaceReward: inPlace,
        objectToTarget: toGoal,
      };
    }),
  createExpert: () => ({
    act(observation, action) {
      moveTowards(observation, overWall(expertTcp(observation), goalPosition(observation)), 0, action);
    },
  }),
};
