import { isPinching } from "../block-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { GripApproach } from "../grip-approach.js";
import { cagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, objectPosition } from "../observation-layout.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { distance3, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { STICK_HALF_SIZE, THERMOS_POINT_HEIGHT, THERMOS_RAIL_ORIGIN, bindStickTask, stickAndThermosWorldbody, thermosPosition } from "../stick-and-thermos.js";
import { drawObjectAndGoalApart, type ExpertPolicy, type GripperReadings, type ManipulationTask, type StepEvaluation } from "../task.js";

const STICK_LOW: Vec3 = [-0.08, 0.58, STICK_HALF_SIZE[2]];
const STICK_HIGH: Vec3 = [-0.03, 0.62, STICK_HALF_SIZE[2]];
/** The goal: x 0.4 (the reference's 0.399–0.401), y 0.55–0.6, at the thermos point's height. */
const GOAL_LOW: Vec3 = [0.399, 0.55, THERMOS_POINT_HEIGHT];
const GOAL_HIGH: Vec3 = [0.401, 0.6, THERMOS_POINT_HEIGHT];
/** The thermos within this of the goal is in place (success, in-place bounds, reward 10). */
const TARGET_RADIUS = 0.12;
/** The reward reads the stick this far +x of its centre (the reference's grip point). */
const STICK_READ_OFFSET_X = 0.015;

/**
 * stick-push: pick up the stick and push the thermos with it to the goal.
 *
 * Object 1 is the stick's centre and orientation, object 2 the thermos's axis at 13.2 cm (the
 * reference's insertion site + 9 cm in y) with a zero quaternion, as the reference reports them.
 * The reference's v2 reward, with stick = the stick's centre + 1.5 cm in x: grasp = caging reward
 * on it (object radius 0.04, pads within 0.05, TCP within 0.01 in x–z, high density, full
 * gripping at a[3] = 1); while the TCP is within 2 cm of it, the observed opening > 0 and the stick
 * lifted more than 1 cm: grasp = 1 and reward = 2 + 5 · stick-in-place + 3 · thermos-in-place, or
 * 10 once the thermos is within 12 cm of the goal; otherwise reward = grasp. The in-place terms
 * are long-tail tolerances within 12 cm of the goal, margins (start distance − 0.12), from the
 * stick's start and from the thermos's rail origin (0.2, 0.6, 0). Success: the thermos within 12
 * cm of the goal while the pads pinch the stick, the opening > 0 and the stick is lifted > 1 cm.
 *
 * Differs from the reference: "the pads touch the stick" is our geometric pinch test (pads either
 * side of it in y, TCP within 2 cm, fingers commanded closed) instead of its contact list; the
 * stick is a 10 × 4 × 4 cm box like the reference's collision box, 50 g. The thermos drifts to
 * the end of its rail as the reference's does (see stick-and-thermos.ts), so — as in the
 * reference — the task is in effect solved by grasping and lifting the stick once it is there.
 */
export const stickPushTask: ManipulationTask = {
  name: "stick-push",
  description: "Pick up the stick and use it to push the thermos to the goal. Each configuration places the stick and the goal at random.",
  scene: { name: "stick-push", worldbody: stickAndThermosWorldbody(false) },
  successThreshold: TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    // The reference redraws while stick and goal are within 10 cm in xy (never, for these ranges).
    return { ...drawObjectAndGoalApart(rng, [STICK_LOW, STICK_HIGH], [GOAL_LOW, GOAL_HIGH], 0.1), secondObject: THERMOS_RAIL_ORIGIN };
  },
  bind: (simulation) => bindStickTask(simulation, "axis", 0, (_parts, observation, initial, gripper) => evaluateStickPush(observation, initial, gripper)),
  createExpert: stickPushExpert,
};

/** The caging options of the grasp term (the reference's arguments). */
const GRASP_OPTIONS = { objectRadius: 0.04, padThreshold: 0.05, xzThreshold: 0.01, highDensity: true } as const;
const stickCentreNow = scratchPoint();
const stickAtStart = scratchPoint();
const stickReadPoint = scratchPoint();

/** Distance from `point` to the goal in `observation`. */
function toGoal(observation: Float32Array, point: Vec3): number {
  const goal = Observation.goal;
  return Math.hypot(point[0] - observation[goal]!, point[1] - observation[goal + 1]!, point[2] - observation[goal + 2]!);
}

/** The reference's v2 reward, success and info for one step (see stickPushTask). */
export function evaluateStickPush(observation: Float32Array, initial: Float32Array, gripper: GripperReadings): StepEvaluation {
  readPoint(stickCentreNow, observation, Observation.object1Position);
  readPoint(stickAtStart, initial, Observation.object1Position);
  readPoint(stickReadPoint, observation, Observation.object1Position, STICK_READ_OFFSET_X);
  const stickInPlace = longTailTolerance(toGoal(observation, stickReadPoint), TARGET_RADIUS, toGoal(observation, stickAtStart) - TARGET_RADIUS);
  const thermosToGoal = distance3(observation, Observation.object2Position, observation, Observation.goal);
  const thermosInPlace = longTailTolerance(thermosToGoal, TARGET_RADIUS, toGoal(observation, THERMOS_RAIL_ORIGIN) - TARGET_RADIUS);
  const tcpToStick = tcpDistance(gripper, stickReadPoint);
  const opening = observation[Observation.gripperOpening]!;
  const lifted = stickReadPoint[2] - 0.01 > stickAtStart[2];
  let grasp = cagingReward(gripper, stickReadPoint, stickAtStart, GRASP_OPTIONS);
  let reward = grasp;
  if (tcpToStick < 0.02 && opening > 0 && lifted) {
    grasp = 1;
    reward = thermosToGoal <= TARGET_RADIUS ? 10 : 2 + 5 * stickInPlace + 3 * thermosInPlace;
  }
  const graspSuccess = isPinching(gripper, stickCentreNow) && opening > 0 && lifted;
  return {
    reward,
    success: graspSuccess && thermosToGoal <= TARGET_RADIUS,
    nearObject: tcpToStick <= 0.03 ? 1 : 0,
    graspSuccess,
    graspReward: grasp,
    inPlaceReward: stickInPlace,
    objectToTarget: thermosToGoal,
  };
}

/**
 * Scripted expert: grip the stick 1.5 cm +x of its centre, lift it to the thermos point's height
 * and push its end into the thermos towards the goal.
 */
function stickPushExpert(): ExpertPolicy {
  const approach = new GripApproach({ closeWithin: 0.006, closingSteps: 10 });
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const stick = objectPosition(observation);
      const grip: Vec3 = [stick[0] + STICK_READ_OFFSET_X, stick[1], stick[2]];
      const thermos = thermosPosition(observation);
      if (!approach.advance(observation, tcp, grip, action)) return;
      // Lift first, then carry the stick's end against the thermos along its line to the goal.
      moveTowards(observation, tcp[2] < THERMOS_POINT_HEIGHT - 0.03 ? [tcp[0], tcp[1], THERMOS_POINT_HEIGHT] : [thermos[0] - 0.05, thermos[1], THERMOS_POINT_HEIGHT], 1, action);
    },
  };
}
