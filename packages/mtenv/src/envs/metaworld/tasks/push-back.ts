import { bindBlockTask, blockEvaluation, blockWorldbody, pickAndCarryExpert, readBlock } from "../block-object.js";
import { padCagingGrasp, type PadCagingOptions } from "../pad-caging.js";
import { hamacherProduct, type Vec3 } from "../reward-shaping.js";
import { drawObjectAndGoalApart, type GripperReadings, type ManipulationTask } from "../task.js";

/** The block starts in the back band of the table and the goal in the front band (the reference's ranges). */
const BLOCK_LOW: Vec3 = [-0.1, 0.8, 0.02];
const BLOCK_HIGH: Vec3 = [0.1, 0.85, 0.02];
const GOAL_LOW: Vec3 = [-0.1, 0.6, 0.02];
const GOAL_HIGH: Vec3 = [0.1, 0.7, 0.02];
/** Success: the block within this distance of the goal. */
const SUCCESS_DISTANCE = 0.07;
/** The object radius push-back's own grasp term uses (the reference's 0.007, its puck's). */
const OBJECT_RADIUS = 0.007;

/**
 * push-back: bring the block from the back of the table towards the hand, to a goal on the table
 * in front.
 *
 * The reference's v2 reward: grasp = push-back's own caging term (below); in-place = long-tail
 * tolerance of ‖block − goal‖ within 5 cm, margin its starting value; reward = Hamacher(grasp,
 * in-place), plus 1 + 5 · in-place while the TCP is within 1 cm of the block, the observed opening
 * is in (0, 0.55) and the block has come more than 1 cm closer to the goal than at reset; 10 once
 * the block is within 5 cm of the goal. Success: ‖block − goal‖ ≤ 0.07.
 *
 * The grasp term (padCagingGrasp, as sweep's) ignores the commanded gripper action: each pad's signed y offset from the block
 * (the +y pad above it, the −y pad below) scored by long-tail tolerances in [0.007, 0.05] (caging)
 * and in [0.007, 0.01] (gripping), margins |‖block y − that pad's y at reset‖ − 0.05|; the TCP's
 * x–z distance to the block within 1 cm, margin the x–z distance between block and TCP at reset
 * less 1 cm; caging = Hamacher(Hamacher(pads), x–z); gripping = Hamacher of the pads' gripping
 * terms once caging > 0.95, else 0; grasp = (caging + gripping) / 2. Our block is a 4 cm cube
 * rather than the reference's puck, so pads pinching it sit outside the 1 cm gripping band; the
 * wide margins forgive most of that (grasp ≈ 0.9 while the expert pinches it, opening ≈ 0.39, so
 * the 1 + 5 · in-place bonus applies as in the reference).
 * Configurations keep block and goal ≥ 15 cm apart in xy; the hand starts at (0, 0.6, 0.2).
 */
export const pushBackTask: ManipulationTask = {
  name: "push-back",
  description: "Pull the block from the back of the table towards you until it rests on the target spot in front. Each configuration places the block and the target spot at random.",
  scene: { name: "push-back", worldbody: blockWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) => drawObjectAndGoalApart(rng, [BLOCK_LOW, BLOCK_HIGH], [GOAL_LOW, GOAL_HIGH]),
  bind: (simulation) =>
    bindBlockTask(simulation, (observation, initial, gripper) => {
      const readings = readBlock(observation, initial, gripper);
      const grasp = pushBackGrasp(gripper, readings.block, readings.blockStart);
      const startToGoal = startDistance(initial);
      let reward = hamacherProduct(grasp, readings.inPlace);
      if (readings.tcpToBlock < 0.01 && readings.opening > 0 && readings.opening < 0.55 && startToGoal - readings.toGoal > 0.01) {
        reward += 1 + 5 * readings.inPlace;
      }
      return blockEvaluation(readings, gripper, reward, grasp, SUCCESS_DISTANCE);
    }),
  // Grip the block and slide it back along the table to the goal.
  createExpert: () => pickAndCarryExpert((observation) => [observation[36]!, observation[37]!, observation[6]!]),
};

/** ‖block − goal‖ at reset. */
function startDistance(initial: Float32Array): number {
  return Math.hypot(initial[4]! - initial[36]!, initial[5]! - initial[37]!, initial[6]! - initial[38]!);
}

/** push-back's grasp term: the pad caging that sweep, sweep-into and soccer use too, with its puck's radius. */
const GRASP_OPTIONS: PadCagingOptions = { objectRadius: OBJECT_RADIUS, gripMargin: OBJECT_RADIUS + 0.003, xzMargin: 0.01 };

/** push-back's grasp term, as described on pushBackTask. */
export function pushBackGrasp(gripper: GripperReadings, block: Vec3, blockStart: Vec3): number {
  return padCagingGrasp(gripper, block, blockStart, GRASP_OPTIONS);
}
