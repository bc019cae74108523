import { BLOCK_HIGH, BLOCK_LOW, bindBlockTask, blockEvaluation, blockWorldbody, pickAndCarryExpert, readBlock } from "../block-object.js";
import { pickPlaceCagingReward } from "../gripper-caging.js";
import { goalPosition } from "../observation-layout.js";
import { hamacherProduct, type Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type ManipulationTask } from "../task.js";

const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.05];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.3];
/** Success is looser than the reward's in-place radius (BLOCK_TARGET_RADIUS), as in the reference. */
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
  sampleConfiguration: (rng) => drawObjectAndGoalApart(rng, [BLOCK_LOW, BLOCK_HIGH], [GOAL_LOW, GOAL_HIGH]),
  bind: (simulation) =>
    bindBlockTask(simulation, (observation, initial, gripper) => {
      const readings = readBlock(observation, initial, gripper);
      const grasp = pickPlaceCagingReward(gripper, readings.block, readings.blockStart);
      let reward = hamacherProduct(grasp, readings.inPlace);
      if (readings.tcpToBlock < 0.02 && readings.opening > 0 && readings.block[2] - 0.01 > readings.blockStart[2]) reward += 1 + 5 * readings.inPlace;
      return blockEvaluation(readings, gripper, reward, grasp, SUCCESS_DISTANCE);
    }),
  createExpert: () => pickAndCarryExpert(goalPosition),
};
