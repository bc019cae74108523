import { BLOCK_HIGH, BLOCK_LOW, BLOCK_TARGET_RADIUS, bindBlockTask, blockEvaluation, blockWorldbody, pickAndCarryExpert, readBlock } from "../block-object.js";
import { cagingReward } from "../gripper-caging.js";
import type { Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type ManipulationTask } from "../task.js";

/** The goal's xy range; its height is the block's resting height, as in the reference. */
const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.02];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.02];

/**
 * push: move the block along the table to a goal on the table.
 *
 * The reference's v2 reward: grasp = caging reward (object radius 0.015, pads within 0.05, TCP
 * within 0.005 in x–z, high density, reading the commanded gripper action); reward = 2 · grasp,
 * and while the TCP is within 2 cm of the block with the fingers not fully shut,
 * reward += 1 + reward + 5 · in-place (so the grasp term counts twice), in-place being the
 * long-tail tolerance of ‖block − goal‖ within 5 cm, margin the starting distance; 10 once the
 * block is within 5 cm. Success: ‖block − goal‖ ≤ 0.05. Configurations keep block and goal
 * ≥ 15 cm apart in xy.
 */
export const pushTask: ManipulationTask = {
  name: "push",
  description: "Push the block along the table until it rests on the target spot. Each configuration places the block and the target spot at random.",
  scene: { name: "push", worldbody: blockWorldbody() },
  successThreshold: BLOCK_TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) => drawObjectAndGoalApart(rng, [BLOCK_LOW, BLOCK_HIGH], [GOAL_LOW, GOAL_HIGH]),
  bind: (simulation) =>
    bindBlockTask(simulation, (observation, initial, gripper) => {
      const readings = readBlock(observation, initial, gripper);
      const grasp = cagingReward(gripper, readings.block, readings.blockStart, { objectRadius: 0.015, padThreshold: 0.05, xzThreshold: 0.005, highDensity: true });
      let reward = 2 * grasp;
      if (readings.tcpToBlock < 0.02 && readings.opening > 0) reward += 1 + reward + 5 * readings.inPlace;
      return blockEvaluation(readings, gripper, reward, grasp, BLOCK_TARGET_RADIUS);
    }),
  // Grip the block and slide it: the carry target keeps the block's height on the table.
  createExpert: () => pickAndCarryExpert((observation) => [observation[36]!, observation[37]!, observation[6]!]),
};
