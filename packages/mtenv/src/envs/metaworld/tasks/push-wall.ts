import { BLOCK_TARGET_RADIUS, bindBlockTask, blockEvaluation, blockWorldbody, pickAndCarryExpert, readBlock } from "../block-object.js";
import { cagingReward } from "../gripper-caging.js";
import { goalPosition, objectPosition } from "../observation-layout.js";
import { longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type ManipulationTask } from "../task.js";
import { PAST_WALL_Y, WALL_CENTRE, WALL_HALF_SIZE, WALL_TASK_BLOCK_RANGE, WALL_TASK_SUCCESS_DISTANCE, wallWorldbody } from "../wall.js";

/** The goal's xy range; its height is the block's resting height, as in the reference. */
const GOAL_LOW: Vec3 = [-0.05, 0.85, 0.02];
const GOAL_HIGH: Vec3 = [0.05, 0.9, 0.02];

/**
 * push-wall: push the block along the table around the end of a wall to a goal behind it.
 *
 * The reference's v2 reward: grasp = caging reward (object radius 0.015, pads within 0.05, TCP
 * within 0.005 in x–z, high density, reading the commanded gripper action); around = long-tail
 * tolerance of ‖(block − waypoint) · (3, 1, 1)‖ within 5 cm, the waypoint (−0.05, 0.77, block
 * height) beside the wall's end, margin its starting value; in-place = long-tail tolerance of
 * ‖block − goal‖ within 5 cm, margin its starting value. reward = 2 · grasp; while the TCP is
 * within 2 cm of the block with the fingers not fully shut: 2 · grasp + 1 + 4 · around, or, once
 * the block is past the wall (y > 0.75), 2 · grasp + 1 + 4 + 3 · in-place; 10 once the block is
 * within 5 cm of the goal. Success: ‖block − goal‖ ≤ 0.07. The reference's ranges, block and goal
 * ≥ 15 cm apart in xy.
 */
export const pushWallTask: ManipulationTask = {
  name: "push-wall",
  description: "Push the block along the table around the end of a wall until it rests on the target spot behind the wall. Each configuration places the block and the target spot at random.",
  scene: { name: "push-wall", worldbody: `${blockWorldbody()}\n${wallWorldbody()}` },
  successThreshold: WALL_TASK_SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) => drawObjectAndGoalApart(rng, WALL_TASK_BLOCK_RANGE, [GOAL_LOW, GOAL_HIGH]),
  bind: (simulation) =>
    bindBlockTask(simulation, (observation, initial, gripper) => {
      const readings = readBlock(observation, initial, gripper);
      const { block, blockStart } = readings;
      const toWaypoint = (point: Vec3): number => Math.hypot(3 * (point[0] + 0.05), point[1] - 0.77, point[2] - block[2]);
      const around = longTailTolerance(toWaypoint(block), BLOCK_TARGET_RADIUS, toWaypoint(blockStart));
      const grasp = cagingReward(gripper, block, blockStart, { objectRadius: 0.015, padThreshold: 0.05, xzThreshold: 0.005, highDensity: true });
      let reward = 2 * grasp;
      if (readings.tcpToBlock < 0.02 && readings.opening > 0) {
        reward = block[1] > PAST_WALL_Y ? 2 * grasp + 1 + 4 + 3 * readings.inPlace : 2 * grasp + 1 + 4 * around;
      }
      return blockEvaluation(readings, gripper, reward, grasp, WALL_TASK_SUCCESS_DISTANCE);
    }),
  createExpert: () => pickAndCarryExpert(aroundWall),
};

/** Clear of the wall's −x end with the block: the wall's end, the block's half width and a margin. */
const BESIDE_WALL_X = WALL_CENTRE[0] - WALL_HALF_SIZE[0] - 0.055;
const PAST_WALL_EXPERT_Y = WALL_CENTRE[1] + WALL_HALF_SIZE[1] + 0.05;

/** Slide the gripped block to −x of the wall's end, along it past the wall, then to the goal. */
function aroundWall(observation: Float32Array): Vec3 {
  const block = objectPosition(observation);
  const goal = goalPosition(observation);
  if (block[1] >= PAST_WALL_EXPERT_Y - 0.01) return [goal[0], goal[1], block[2]];
  if (block[0] > BESIDE_WALL_X + 0.01) return [BESIDE_WALL_X, Math.min(block[1], WALL_CENTRE[1] - 0.06), block[2]];
  return [BESIDE_WALL_X, PAST_WALL_EXPERT_Y, block[2]];
}
