import { BLOCK_TARGET_RADIUS, bindBlockTask, blockEvaluation, blockWorldbody, pickAndCarryExpert, readBlock } from "../block-object.js";
import { cagingReward } from "../gripper-caging.js";
import { goalPosition, objectPosition } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type ManipulationTask } from "../task.js";
import { PAST_WALL_Y, WALL_TASK_BLOCK_RANGE, WALL_TASK_SUCCESS_DISTANCE, overWall, wallWorldbody } from "../wall.js";

const GOAL_LOW: Vec3 = [-0.05, 0.85, 0.05];
const GOAL_HIGH: Vec3 = [0.05, 0.9, 0.3];

/**
 * pick-place-wall: pick the block up, carry it over a wall and hold it at the goal in the air.
 *
 * The reference's v2 reward: grasp = caging reward (object radius 0.015, pads within 0.05, TCP
 * within 0.005 in x–z, no density terms, reading the commanded gripper action); over = long-tail
 * tolerance of ‖(block − waypoint) · (1, 1, 3)‖ within 5 cm, the waypoint (goal x, 0.77, 0.25)
 * above the wall, margin its starting value; in-place = long-tail tolerance of ‖block − goal‖
 * within 5 cm, margin its starting value. reward = Hamacher(grasp, over); while the TCP is within
 * 2 cm of the block, the fingers not fully shut and the block lifted more than 1.5 cm: that + 1 +
 * 4 · over, or, once the block is past the wall (y > 0.75), that + 1 + 4 + 3 · in-place; 10 once
 * the block is within 5 cm of the goal. Success: ‖block − goal‖ ≤ 0.07. The reference's ranges,
 * block and goal ≥ 15 cm apart in xy.
 */
export const pickPlaceWallTask: ManipulationTask = {
  name: "pick-place-wall",
  description: "Pick up the block, carry it over a wall and place it at a target point in the air behind the wall. Each configuration places the block and the target point at random.",
  scene: { name: "pick-place-wall", worldbody: `${blockWorldbody()}\n${wallWorldbody()}` },
  successThreshold: WALL_TASK_SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) => drawObjectAndGoalApart(rng, WALL_TASK_BLOCK_RANGE, [GOAL_LOW, GOAL_HIGH]),
  bind: (simulation) =>
    bindBlockTask(simulation, (observation, initial, gripper) => {
      const readings = readBlock(observation, initial, gripper);
      const { block, blockStart } = readings;
      const goal = goalPosition(observation);
      const waypoint: Vec3 = [goal[0], 0.77, 0.25];
      const toWaypoint = (point: Vec3): number => Math.hypot(point[0] - waypoint[0], point[1] - waypoint[1], 3 * (point[2] - waypoint[2]));
      const over = longTailTolerance(toWaypoint(block), BLOCK_TARGET_RADIUS, toWaypoint(blockStart));
      const grasp = cagingReward(gripper, block, blockStart, { objectRadius: 0.015, padThreshold: 0.05, xzThreshold: 0.005 });
      const graspedAndOver = hamacherProduct(grasp, over);
      let reward = graspedAndOver;
      if (readings.tcpToBlock < 0.02 && readings.opening > 0 && block[2] - 0.015 > blockStart[2]) {
        reward = block[1] > PAST_WALL_Y ? graspedAndOver + 1 + 4 + 3 * readings.inPlace : graspedAndOver + 1 + 4 * over;
      }
      return blockEvaluation(readings, gripper, reward, grasp, WALL_TASK_SUCCESS_DISTANCE);
    }),
  createExpert: () => pickAndCarryExpert((observation) => overWall(objectPosition(observation), goalPosition(observation))),
};
