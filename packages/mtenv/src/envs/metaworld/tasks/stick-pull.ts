import { isPinching } from "../block-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { GripApproach } from "../grip-approach.js";
import { cagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { STICK_HALF_SIZE, THERMOS_RAIL_ORIGIN, THERMOS_RAIL_TRAVEL, bindStickTask, stickAndThermosWorldbody, thermosPosition, type StickAndThermos } from "../stick-and-thermos.js";
import { drawObjectAndGoalApart, type ExpertPolicy, type GripperReadings, type ManipulationTask, type StepEvaluation } from "../task.js";

const STICK_LOW: Vec3 = [-0.1, 0.55, STICK_HALF_SIZE[2]];
const STICK_HIGH: Vec3 = [0, 0.65, STICK_HALF_SIZE[2]];
/** The goal on the table (the reference's z 0.0199–0.0201 is the stick's resting height, 0.02). */
const GOAL_LOW: Vec3 = [0.35, 0.45, STICK_HALF_SIZE[2]];
const GOAL_HIGH: Vec3 = [0.45, 0.55, STICK_HALF_SIZE[2]];
/** The thermos's y rail starts 9 cm out, so that its handle loop is at y 0.6 (the reference's obj_init_qpos). */
const THERMOS_START_Y = 0.09;
/** The in-place terms' bound. */
const IN_PLACE_RADIUS = 0.05;
/** The handle within this of the goal (with the stick inserted) is a success and pays 10. */
const HANDLE_SUCCESS_DISTANCE = 0.12;
/** The reward's "container" point: the handle + 5 cm in x. */
const CONTAINER_OFFSET_X = 0.05;

/**
 * The reference's "stick inserted in the handle": the stick's +x end at or past the handle loop in
 * x, within 4 cm of its centre in y and 6 cm in z.
 */
export function stickInserted(stickEnd: ArrayLike<number>, handle: Vec3): boolean {
  return stickEnd[0]! >= handle[0] && Math.abs(stickEnd[1]! - handle[1]) <= 0.04 && Math.abs(stickEnd[2]! - handle[2]) <= 0.06;
}

/**
 * stick-pull: pick up the stick, push it through the thermos's handle loop and pull the thermos
 * to the goal with it.
 *
 * Object 1 is the stick's centre and orientation, object 2 the centre of the handle loop (the
 * reference's insertion site) with a zero quaternion. The reference's v2 reward: grasp = caging
 * reward on the stick (object radius 0.014, pads within 0.05, TCP within 0.01 in x–z, high
 * density), set to 1 while the TCP is within 2 cm of the stick, the observed opening > 0 and the
 * stick lifted > 1 cm ("held"); stick-in-place = long-tail tolerance of ‖(stick − container) ·
 * (1, 1, 2)‖ within 5 cm, the container being the handle + 5 cm in x, margin its value at the
 * start (container from the rail origin (0.2, 0.6, 0) + 5 cm); reward = Hamacher(grasp,
 * stick-in-place) =: g; held: 1 + g + 5 · stick-in-place; held and inserted: 1 + g + 5 + 2 ·
 * (long tail of ‖stick − goal‖ within 5 cm, margin from the stick's start) + (long tail of
 * ‖container − goal‖ within 5 cm, margin from the rail origin), or 10 with the handle within 12
 * cm of the goal. Success: the handle within 12 cm of the goal with the stick inserted (grasped or
 * not). Info: grasp_success = pinched, opening > 0 and the stick > 2 cm above the rail origin's
 * height (0, so lifted off the table), as the reference compares it.
 *
 * Differs from the reference: the pinch test is geometric (see stick-push). The thermos drifts to
 * its +x rail end like the reference's (stick-and-thermos.ts); the handle stays 11.2 cm above the
 * goal's height, so success needs it within ≈ 4.3 cm of the goal in xy: goals beyond x ≈ 0.443
 * cannot be reached (the rail ends at 0.4), here as in the reference (4 of our 50; the
 * reference's own expert fails such a goal too), and goals short of x ≈ 0.357 need the thermos
 * pushed back against its drift, which our expert does from the loop's +x side.
 */
export const stickPullTask: ManipulationTask = {
  name: "stick-pull",
  description: "Pick up the stick, push it through the handle of the thermos and pull the thermos to the goal with it. Each configuration places the stick and the goal at random.",
  scene: { name: "stick-pull", worldbody: stickAndThermosWorldbody(true) },
  successThreshold: HANDLE_SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    // The reference redraws while stick and goal are within 10 cm in xy (never, for these ranges).
    return { ...drawObjectAndGoalApart(rng, [STICK_LOW, STICK_HIGH], [GOAL_LOW, GOAL_HIGH], 0.1), secondObject: THERMOS_RAIL_ORIGIN };
  },
  bind: (simulation) => bindStickTask(simulation, "handle", THERMOS_START_Y, evaluateStickPull),
  createExpert: stickPullExpert,
};

/** The caging options of the grasp term (the reference's arguments). */
const GRASP_OPTIONS = { objectRadius: 0.014, padThreshold: 0.05, xzThreshold: 0.01, highDensity: true } as const;
/** The container point at reset: the rail origin + 5 cm in x. */
const CONTAINER_START: Vec3 = [THERMOS_RAIL_ORIGIN[0] + CONTAINER_OFFSET_X, THERMOS_RAIL_ORIGIN[1], THERMOS_RAIL_ORIGIN[2]];
const stickNow = scratchPoint();
const stickAtStart = scratchPoint();
const handleNow = scratchPoint();
const containerNow = scratchPoint();
const goalNow = scratchPoint();

/** ‖a − b‖ with the z difference scaled by `zScale`. */
function distance(a: Vec3, b: Vec3, zScale = 1): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], zScale * (a[2] - b[2]));
}

/** The reference's v2 reward, success and info for one step (see stickPullTask). */
function evaluateStickPull(parts: StickAndThermos, observation: Float32Array, initial: Float32Array, gripper: GripperReadings): StepEvaluation {
  readPoint(stickNow, observation, Observation.object1Position);
  readPoint(stickAtStart, initial, Observation.object1Position);
  readPoint(handleNow, observation, Observation.object2Position);
  readPoint(containerNow, observation, Observation.object2Position, CONTAINER_OFFSET_X);
  readPoint(goalNow, observation, Observation.goal);
  const stickInPlace = longTailTolerance(distance(stickNow, containerNow, 2), IN_PLACE_RADIUS, distance(stickAtStart, CONTAINER_START, 2));
  const stickAtGoal = longTailTolerance(distance(stickNow, goalNow), IN_PLACE_RADIUS, distance(stickAtStart, goalNow));
  const containerInPlace = longTailTolerance(distance(containerNow, goalNow), IN_PLACE_RADIUS, distance(THERMOS_RAIL_ORIGIN, goalNow));
  const handleToGoal = distance(handleNow, goalNow);
  const tcpToStick = tcpDistance(gripper, stickNow);
  const opening = observation[Observation.gripperOpening]!;
  const held = tcpToStick < 0.02 && opening > 0 && stickNow[2] - 0.01 > stickAtStart[2];
  const grasp = held ? 1 : cagingReward(gripper, stickNow, stickAtStart, GRASP_OPTIONS);
  const graspedInPlace = hamacherProduct(grasp, stickInPlace);
  const inserted = stickInserted(parts.readStickEnd(), handleNow);
  let reward = graspedInPlace;
  if (held) {
    reward = 1 + graspedInPlace + 5 * stickInPlace;
    if (inserted) reward = handleToGoal <= HANDLE_SUCCESS_DISTANCE ? 10 : 1 + graspedInPlace + 5 + 2 * stickAtGoal + containerInPlace;
  }
  return {
    reward,
    success: handleToGoal <= HANDLE_SUCCESS_DISTANCE && inserted,
    nearObject: tcpToStick <= 0.03 ? 1 : 0,
    graspSuccess: isPinching(gripper, stickNow) && opening > 0 && stickNow[2] - 0.02 > THERMOS_RAIL_ORIGIN[2],
    graspReward: grasp,
    inPlaceReward: stickInPlace,
    objectToTarget: handleToGoal,
  };
}

type PullPhase = "lift" | "align" | "insert" | "pull";

/**
 * How the expert goes through the loop: from −x with the grip behind the stick's centre (the
 * reference's way; the thermos's drift keeps it at the rail's end), or — for goals short of the
 * rail's end in x, where the thermos must be pushed back against its drift — from +x with the
 * grip near the stick's +x end, so that the finger pad can push on the loop's upright.
 */
type Approach = "from-behind" | "from-beyond";

/** Where each approach grips the stick, measured from its centre along x. */
const GRIP_FROM_CENTRE: Record<Approach, number> = { "from-behind": -0.015, "from-beyond": 0.02 };
/** Goals further than this −x of the rail's end need the thermos pushed back. */
const PUSH_BACK_MARGIN = 0.035;
/** The TCP's x limit (the mocap bound) less a margin. */
const REACH_X = 0.49;
/** Travel height while carrying the stick over the thermos (its cap ends at 0.29). */
const OVER_THERMOS_Z = 0.36;

/**
 * Scripted expert: grip the stick, lift it to the handle's height, line it up in front of the
 * loop (from −x, or over the thermos to its +x side when the thermos must be pushed back), push
 * it through, then move so that the handle goes to the goal: pulling in y with the stick, pushing
 * back in x with the −y finger pad against the loop's upright.
 */
function stickPullExpert(): ExpertPolicy {
  const gripApproach = new GripApproach({ closeWithin: 0.006, closingSteps: 12 });
  let phase: PullPhase = "lift";
  let approach: Approach | undefined;
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const stick = objectPosition(observation);
      const handle = thermosPosition(observation);
      const goal = goalPosition(observation);
      approach ??= goal[0] < THERMOS_RAIL_ORIGIN[0] + THERMOS_RAIL_TRAVEL - PUSH_BACK_MARGIN ? "from-beyond" : "from-behind";
      const beyond = approach === "from-beyond";
      const grip: Vec3 = [stick[0] + GRIP_FROM_CENTRE[approach], stick[1], stick[2]];
      if (!gripApproach.advance(observation, tcp, grip, action)) {
        phase = "lift";
        return;
      }
      // From −x: the stick's +x end 5 cm short of the loop. From +x: the stick's −x end clear of the
      // loop, 1.5 cm −y of the handle so that the −y pad lines up with the loop's upright.
      const staging: Vec3 = beyond
        ? [REACH_X, handle[1] - 0.015, handle[2]]
        : [handle[0] - STICK_HALF_SIZE[0] - GRIP_FROM_CENTRE[approach] - 0.05, handle[1], handle[2]];
      const liftZ = beyond ? OVER_THERMOS_Z : handle[2];
      if (phase === "lift" && Math.abs(tcp[2] - liftZ) < 0.015) phase = "align";
      if (phase === "align" && Math.hypot(tcp[0] - staging[0], tcp[1] - staging[1], tcp[2] - staging[2]) < 0.008) phase = "insert";
      if (phase === "insert" && (beyond ? tcp[0] < handle[0] + 0.03 : tcp[0] > handle[0] - 0.045)) phase = "pull";
      switch (phase) {
        case "lift":
          moveTowards(observation, [tcp[0], tcp[1], liftZ], 1, action);
          break;
        case "align":
          // Over the thermos, come down only once at the staging point's x and y.
          moveTowards(observation, beyond && Math.hypot(tcp[0] - staging[0], tcp[1] - staging[1]) > 0.01 ? [staging[0], staging[1], OVER_THERMOS_Z] : staging, 1, action);
          break;
        case "insert":
          moveTowards(observation, beyond ? [handle[0] + 0.02, staging[1], handle[2]] : [handle[0] - 0.035, handle[1], handle[2]], 1, action);
          break;
        case "pull": {
          // y: move so that the handle's y goes to the goal's (the stick drags the loop's upright).
          // x: from −x, stay through the loop; from +x, press the pad on the upright until the
          // handle's x is at the goal's.
          const y = tcp[1] + (goal[1] - handle[1]);
          const x = beyond ? Math.min(tcp[0] + (goal[0] - handle[0]), handle[0] + 0.03) : handle[0] - 0.035;
          moveTowards(observation, [x, y, handle[2]], 1, action);
          break;
        }
      }
    },
  };
}
