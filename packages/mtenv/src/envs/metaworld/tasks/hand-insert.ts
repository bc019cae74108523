import { BLOCK_HALF_SIZE, blockWorldbody, isPinching } from "../block-object.js";
import { cagingReward, tcpDistance, type CagingOptions } from "../gripper-caging.js";
import { LooseBlockScene, grabAndCarryExpert } from "../loose-block.js";
import { Observation, objectToGoalDistance } from "../observation-layout.js";
import { distance3, hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { TABLE_WITH_HOLE_SURFACE, tableWithHoleWorldbody } from "../table-with-hole.js";
import { drawObjectAndGoalApart, type ManipulationTask } from "../task.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { bindFromReferenceStart } from "../reference-start.js";

/** The block's range: the reference's obj_init_pos, z 0.05 (2 cm into its raised top; see below). */
const BLOCK_LOW: Vec3 = [-0.1, 0.6, 0.05];
const BLOCK_HIGH: Vec3 = [0.1, 0.7, 0.05];
/** The goal inside the hole, 2 cm below the table plane (the reference's range). */
const GOAL_LOW: Vec3 = [-0.04, 0.8, -0.02];
const GOAL_HIGH: Vec3 = [0.04, 0.88, -0.02];
/** In-place radius, jump to 10 and success radius. */
const TARGET_RADIUS = 0.05;
/** Where the block's centre rests on the raised top. */
const RESTING_HEIGHT = TABLE_WITH_HOLE_SURFACE + BLOCK_HALF_SIZE;
const CARRY_HEIGHT = 0.13;

/** hand-insert's options for the shared caging reward. */
const HAND_INSERT_CAGING: CagingOptions = { objectRadius: 0.015, padThreshold: 0.05, xzThreshold: 0.005, highDensity: true };

/**
 * hand-insert: pick the block up from the raised tabletop and put it down in the hole, at a goal
 * below the table plane.
 *
 * The reference's v2 reward: in-place = long-tail tolerance of ‖block − goal‖ within 5 cm, margin
 * ‖reference start − goal‖ (start z 0.05); grasp = the shared caging reward (object radius 0.015,
 * pads within 5 cm, TCP within 5 mm in x–z, high density, reading the commanded gripper action);
 * reward = Hamacher(grasp, in-place), plus 1 + 7 · in-place while the TCP is within 2 cm of the
 * block with the fingers not fully shut; 10 within 5 cm. Success: ‖block − goal‖ ≤ 0.05 — the
 * block resting in the hole has its centre 2 cm above the table plane, 4 cm above the goal, so
 * it must sit within 3 cm of the goal in xy. Configurations keep block and goal ≥ 15 cm apart in
 * xy. The reference puts its block 2 cm into the raised top and lets the contact push it up to
 * rest in the first steps (its first observation reads z 0.05); ours starts at rest (z 0.07), and
 * the margins still use the reference's z 0.05. Diagnostics: near_object = TCP within 3 cm;
 * grasp_success = pinched, fingers not fully shut and the block 2 cm above its reference start.
 */
export const handInsertTask: ManipulationTask = {
  name: "hand-insert",
  description: "Insert the block by hand: pick it up from the raised tabletop and put it down inside the square hole behind it. Each configuration places the block and the target spot in the hole at random.",
  scene: { name: "hand-insert", worldbody: `${tableWithHoleWorldbody()}\n${blockWorldbody()}` },
  successThreshold: TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) =>
    drawObjectAndGoalApart(rng, [BLOCK_LOW, BLOCK_HIGH], [GOAL_LOW, GOAL_HIGH]),
  bind(simulation) {
    const block = scratchPoint();
    return bindFromReferenceStart({
      scene: new LooseBlockScene(simulation, 0),
      // The block rests on the raised top, above the reference's start (2 cm into it).
      placeAt: (configured) => [configured[0], configured[1], RESTING_HEIGHT],
      evaluate(observation, gripper, referenceStart) {
        readPoint(block, observation, Observation.object1Position);
        const toGoal = objectToGoalDistance(observation);
        const startToGoal = distance3(referenceStart, 0, observation, Observation.goal);
        const inPlace = longTailTolerance(toGoal, TARGET_RADIUS, startToGoal);
        const grasp = cagingReward(gripper, block, referenceStart, HAND_INSERT_CAGING);
        const opening = observation[Observation.gripperOpening]!;
        const tcpToBlock = tcpDistance(gripper, block);
        let reward = hamacherProduct(grasp, inPlace);
        if (tcpToBlock < 0.02 && opening > 0) reward += 1 + 7 * inPlace;
        return {
          reward: toGoal < TARGET_RADIUS ? 10 : reward,
          success: toGoal <= TARGET_RADIUS,
          nearObject: tcpToBlock <= 0.03 ? 1 : 0,
          graspSuccess: isPinching(gripper, block) && opening > 0 && block[2] - 0.02 > referenceStart[2],
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    });
  },
  // Grip the block, carry it above the goal, then lower it into the hole still holding it.
  createExpert: () =>
    grabAndCarryExpert({
      observedBelowCentre: 0,
      carryTarget: (centre, goal) =>
        Math.hypot(centre[0] - goal[0], centre[1] - goal[1]) > 0.015 ? [goal[0], goal[1], CARRY_HEIGHT] : [goal[0], goal[1], BLOCK_HALF_SIZE],
    }),
};
