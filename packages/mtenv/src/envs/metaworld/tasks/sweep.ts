import { BLOCK_HALF_SIZE, blockWorldbody, isPinching } from "../block-object.js";
import { tcpDistance } from "../gripper-caging.js";
import { LooseBlockScene, grabAndCarryExpert } from "../loose-block.js";
import { Observation, objectToGoalDistance } from "../observation-layout.js";
import { padCagingGrasp, type PadCagingOptions } from "../pad-caging.js";
import { distance3, hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { bindFromReferenceStart } from "../reference-start.js";

/** The block's range (the reference's obj_init_pos; z is its body origin's height at reset). */
const BLOCK_LOW: Vec3 = [-0.1, 0.6, 0.02];
const BLOCK_HIGH: Vec3 = [0.1, 0.7, 0.02];
/** The goal: x 0.5 and z 0.01 fixed, y the block's own (the reference ignores its goal range). */
const GOAL_X = 0.5;
const GOAL_Z = 0.01;
/** In-place radius, jump to 10 and success radius. */
const TARGET_RADIUS = 0.05;
/** The reference's observed point is the block's body origin, on its bottom face. */
const OBSERVED_BELOW_CENTRE = BLOCK_HALF_SIZE;

/** sweep's constants for its pad caging (object radius, gripping band, x–z bound). */
const SWEEP_CAGING: PadCagingOptions = { objectRadius: 0.02, gripMargin: 0.03, xzMargin: 0.005 };

/**
 * sweep: move the block 40–60 cm to the right along the table, to x 0.5 level with where it
 * started (y unchanged).
 *
 * The reference's v2 reward: grasp = sweep's own pad caging (object radius 0.02, gripping band up
 * to 0.03, TCP within 5 mm of the observed point in x–z; the commanded gripper action plays no
 * part); in-place = long-tail tolerance of ‖observed − goal‖ within 5 cm, margin ‖reference start
 * − goal‖ (start z 0.02); reward = 2 · grasp + 6 · Hamacher(grasp, in-place), 10 within 5 cm.
 * Success: ‖observed − goal‖ ≤ 0.05. Observed point: the block's bottom-face centre, as the
 * reference's body origin (so a block resting on the table reads z 0, 1 cm under the goal).
 * Diagnostics: near_object = TCP within 3 cm of the observed point; grasp_success = pinched with
 * the fingers not fully shut (our geometric stand-in for the reference's pad contacts).
 */
export const sweepTask: ManipulationTask = {
  name: "sweep",
  description: "Sweep the block sideways along the table to the target spot at its right edge. Each configuration places the block at random; the target spot is level with it.",
  scene: { name: "sweep", worldbody: blockWorldbody() },
  successThreshold: TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    const object = uniformIn(rng, BLOCK_LOW, BLOCK_HIGH);
    return { object, goal: [GOAL_X, object[1], GOAL_Z] };
  },
  bind(simulation) {
    const observed = scratchPoint();
    const centre = scratchPoint();
    return bindFromReferenceStart({
      scene: new LooseBlockScene(simulation, OBSERVED_BELOW_CENTRE),
      placeAt: (configured) => [configured[0], configured[1], BLOCK_HALF_SIZE],
      evaluate(observation, gripper, referenceStart) {
        readPoint(observed, observation, Observation.object1Position);
        const toGoal = objectToGoalDistance(observation);
        const startToGoal = distance3(referenceStart, 0, observation, Observation.goal);
        const inPlace = longTailTolerance(toGoal, TARGET_RADIUS, startToGoal);
        const grasp = padCagingGrasp(gripper, observed, referenceStart, SWEEP_CAGING);
        readPoint(centre, observation, Observation.object1Position, 0, 0, OBSERVED_BELOW_CENTRE);
        return {
          reward: toGoal < TARGET_RADIUS ? 10 : 2 * grasp + 6 * hamacherProduct(grasp, inPlace),
          success: toGoal <= TARGET_RADIUS,
          nearObject: tcpDistance(gripper, observed) <= 0.03 ? 1 : 0,
          graspSuccess: isPinching(gripper, centre) && observation[Observation.gripperOpening]! > 0,
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    });
  },
  // Grip the block and slide it, lifted 1 cm, until its bottom face is at the goal.
  createExpert: () =>
    grabAndCarryExpert({
      observedBelowCentre: OBSERVED_BELOW_CENTRE,
      carryTarget: (_centre, goal) => [goal[0], goal[1], goal[2] + OBSERVED_BELOW_CENTRE],
    }),
};
