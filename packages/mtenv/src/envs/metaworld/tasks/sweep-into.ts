import { BLOCK_HALF_SIZE, blockWorldbody, isPinching } from "../block-object.js";
import { tcpDistance } from "../gripper-caging.js";
import { LooseBlockScene, grabAndCarryExpert } from "../loose-block.js";
import { Observation } from "../observation-layout.js";
import { padCagingGrasp, type PadCagingOptions } from "../pad-caging.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { HOLE_CENTRE, TABLE_WITH_HOLE_SURFACE, tableWithHoleWorldbody } from "../table-with-hole.js";
import { drawUntil, planarDistance, uniformIn, type ManipulationTask } from "../task.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { bindFromReferenceStart } from "../reference-start.js";

/** The block's xy range; z is where it rests on the raised top (the reference's obj_init_pos). */
const BLOCK_LOW: Vec3 = [-0.1, 0.6, TABLE_WITH_HOLE_SURFACE + BLOCK_HALF_SIZE];
const BLOCK_HIGH: Vec3 = [0.1, 0.7, TABLE_WITH_HOLE_SURFACE + BLOCK_HALF_SIZE];
/** The goal: the hole's centre at the height of a block resting in it (fixed, as in the reference). */
const GOAL: Vec3 = [HOLE_CENTRE[0], HOLE_CENTRE[1], BLOCK_HALF_SIZE];
/** In-place radius, jump to 10 and success radius (all planar: the target takes the block's height). */
const TARGET_RADIUS = 0.05;
/** The TCP's height while carrying the block over the raised top to the hole. */
const CARRY_HEIGHT = 0.13;

/** sweep-into's constants for sweep's pad caging (object radius, gripping band, x–z bound). */
const SWEEP_INTO_CAGING: PadCagingOptions = { objectRadius: 0.02, gripMargin: 0.025, xzMargin: 0.01 };

/**
 * sweep-into: move the block from the raised tabletop into the square hole at (0, 0.84).
 *
 * The reference's v2 reward: target = the goal's xy at the block's current height, so every
 * distance to it is planar; grasp = sweep's pad caging with sweep-into's constants (object radius
 * 0.02, gripping band up to 0.025, TCP within 1 cm in x–z; the commanded gripper action plays no
 * part); in-place = long-tail tolerance of ‖block − target‖ within 5 cm, margin ‖reference start −
 * target‖ (start z 0.07, so the margin grows as the block drops); reward = 2 · grasp + 6 ·
 * Hamacher(grasp, in-place), 10 within 5 cm. Success: planar distance ≤ 0.05. Configurations keep
 * the block ≥ 15 cm from the hole in xy (the reference's rejection loop). Diagnostics as sweep's.
 */
export const sweepIntoTask: ManipulationTask = {
  name: "sweep-into",
  description: "Move the block across the raised tabletop and drop it into the square hole behind it. Each configuration places the block at random.",
  scene: { name: "sweep-into", worldbody: `${tableWithHoleWorldbody()}\n${blockWorldbody()}` },
  successThreshold: TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) =>
    drawUntil(
      () => ({ object: uniformIn(rng, BLOCK_LOW, BLOCK_HIGH), goal: GOAL }),
      (candidate) => planarDistance(candidate.object, candidate.goal) >= 0.15,
    ),
  bind(simulation) {
    const block = scratchPoint();
    return bindFromReferenceStart({
      scene: new LooseBlockScene(simulation, 0),
      evaluate(observation, gripper, referenceStart) {
        readPoint(block, observation, Observation.object1Position);
        const goalX = observation[Observation.goal]!;
        const goalY = observation[Observation.goal + 1]!;
        const toTarget = Math.hypot(block[0] - goalX, block[1] - goalY);
        const startToTarget = Math.hypot(referenceStart[0] - goalX, referenceStart[1] - goalY, referenceStart[2] - block[2]);
        const inPlace = longTailTolerance(toTarget, TARGET_RADIUS, startToTarget);
        const grasp = padCagingGrasp(gripper, block, referenceStart, SWEEP_INTO_CAGING);
        return {
          reward: toTarget < TARGET_RADIUS ? 10 : 2 * grasp + 6 * hamacherProduct(grasp, inPlace),
          success: toTarget <= TARGET_RADIUS,
          nearObject: tcpDistance(gripper, block) <= 0.03 ? 1 : 0,
          graspSuccess: isPinching(gripper, block) && observation[Observation.gripperOpening]! > 0,
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: toTarget,
        };
      },
    });
  },
  // Grip the block, carry it above the hole and let go.
  createExpert: () =>
    grabAndCarryExpert({
      observedBelowCentre: 0,
      carryTarget: (_centre, goal) => [goal[0], goal[1], CARRY_HEIGHT],
      release: (_centre, goal, tcp) => Math.hypot(tcp[0] - goal[0], tcp[1] - goal[1]) < 0.01 && tcp[2] > CARRY_HEIGHT - 0.02,
    }),
};
