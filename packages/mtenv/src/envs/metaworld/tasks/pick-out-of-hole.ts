import { pickAndCarryExpert } from "../block-object.js";
import { cagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition, objectToGoalDistance } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, tolerance, type Vec3 } from "../reward-shaping.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { FreeJoint, clearObjectSlot, mocapSlot, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { drawUntil, planarDistance, uniformIn, type GripperReadings, type ManipulationTask, type StepEvaluation } from "../task.js";

/** The puck: a cylinder 4 cm across and 4 cm tall, standing on the floor of the hole. */
const PUCK_RADIUS = 0.02;
const PUCK_HALF_HEIGHT = 0.02;
/** The reference's object range: one fixed point, the middle of the hole. */
const PUCK_START: Vec3 = [0, 0.75, PUCK_HALF_HEIGHT];
const GOAL_LOW: Vec3 = [-0.1, 0.5, 0.15];
const GOAL_HIGH: Vec3 = [0.1, 0.6, 0.3];
/** The raised tabletop around the hole: its top height, and the hole's x half-width and y span. */
const RAISED_TOP = 0.054;
const HOLE_HALF_WIDTH = 0.15;
const HOLE_FRONT_Y = 0.65;
const HOLE_BACK_Y = 0.95;
const SUCCESS_DISTANCE = 0.07;
/** The in-place term's bound (the reference's 0.02) and the radius of the reward's jump to 10 (its TARGET_RADIUS). */
const IN_PLACE_BOUND = 0.02;
const TARGET_RADIUS = 0.05;

/**
 * The height below which the reward's above-floor factor falls off, at horizontal distance
 * `radius` from the puck's start: 0 within 3 cm (inside the hole over the puck), then a
 * logarithmic funnel 0.015 · ln(radius − 0.03) + 0.15 that rises over the hole's rim.
 */
export function pickOutOfHoleFloor(radius: number): number {
  return radius <= 0.03 ? 0 : 0.015 * Math.log(radius - 0.03) + 0.15;
}

/**
 * pick-out-of-hole: a puck stands at the bottom of a square hole in a raised tabletop; pick it
 * up and hold it at a goal point in the air in front of the hole.
 *
 * Object 1 is the puck's centre and orientation; object 2 is unused (as in the reference). The
 * reference's v2 reward: grasp = caging reward on the puck (object radius 0.015, pads within 0.02,
 * TCP within 0.03 in x–z, high density, gripping counted fully from a[3] = 0.1 on); in-place =
 * long-tail tolerance of ‖puck − goal‖ within 2 cm, margin the starting distance; reward =
 * Hamacher(grasp, in-place), plus 1 + 5 · Hamacher(in-place, above-floor) while the TCP is within
 * 4 cm of the puck, the puck lifted more than 2 cm and the observed opening ≥ 0.33 (not pinched
 * shut); 10 once the puck is within 5 cm of the goal. above-floor = 1 while the TCP is above the
 * funnel of pickOutOfHoleFloor around the puck's start, else the long-tail tolerance of its depth
 * below it within 1 cm, margin 2 cm. Success: ‖puck − goal‖ ≤ 0.07. Info: near_object = TCP within
 * 3 cm of the puck, grasp_success = the bonus condition.
 *
 * Differs from the reference: the tabletop around the hole is four boxes 5.4 cm tall on our flat
 * table (the reference raises its table by the same height with a hole of the same 30 × 30 cm),
 * the puck weighs 50 g (the reference's 10 g with a huge inertia), and only the puck touches the
 * raised top — our finger pads pass through fixtures, as in every task of this scene.
 */
export const pickOutOfHoleTask: ManipulationTask = {
  name: "pick-out-of-hole",
  description: "Reach into a hole in the tabletop, pick up the puck at its bottom and hold it at a target point in the air in front of the hole. Each configuration places the target point at random; the puck always starts in the middle of the hole.",
  scene: { name: "pick-out-of-hole", worldbody: pickOutOfHoleWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    // The reference redraws while puck and goal are within 15 cm in xy (never, for these ranges).
    return drawUntil(
      () => ({ object: PUCK_START, goal: uniformIn(rng, GOAL_LOW, GOAL_HIGH) }),
      (candidate) => planarDistance(candidate.object, candidate.goal) >= 0.15,
    );
  },
  bind(simulation) {
    const puck = new FreeJoint(simulation, "puck");
    const goalSlot = mocapSlot(simulation, "goal_marker");
    return {
      reset(configuration) {
        puck.place(configuration.object);
        placeMocap(simulation, goalSlot, configuration.goal);
      },
      observeObjects(out, offset) {
        puck.observe(out, offset);
        clearObjectSlot(out, offset + 7);
      },
      evaluate: evaluatePickOutOfHole,
    };
  },
  createExpert: () =>
    // Straight up out of the hole first (to the goal's height), then over to the goal.
    pickAndCarryExpert((observation) => {
      const puck = objectPosition(observation);
      const goal = goalPosition(observation);
      return puck[2] < RAISED_TOP + 0.04 ? [puck[0], puck[1], goal[2]] : goal;
    }),
};

/** The caging options of the grasp term (the reference's arguments). */
const GRASP_OPTIONS = { objectRadius: 0.015, padThreshold: 0.02, xzThreshold: 0.03, highDensity: true, desiredGripperEffort: 0.1 } as const;
const puckNow = scratchPoint();
const puckAtStart = scratchPoint();

/** The reference's v2 reward, success and info for one step (see pickOutOfHoleTask). */
function evaluatePickOutOfHole(observation: Float32Array, initial: Float32Array, gripper: GripperReadings): StepEvaluation {
  readPoint(puckNow, observation, Observation.object1Position);
  readPoint(puckAtStart, initial, Observation.object1Position);
  const toGoal = objectToGoalDistance(observation);
  const startToGoal = objectToGoalDistance(initial);
  const tcpToPuck = tcpDistance(gripper, puckNow);
  const tcp = gripper.tcp;
  const floor = pickOutOfHoleFloor(Math.hypot(tcp[0]! - puckAtStart[0], tcp[1]! - puckAtStart[1]));
  const aboveFloor = tcp[2]! >= floor ? 1 : tolerance(Math.max(floor - tcp[2]!, 0), 0, 0.01, 0.02, "long_tail");
  const grasp = cagingReward(gripper, puckNow, puckAtStart, GRASP_OPTIONS);
  const inPlace = longTailTolerance(toGoal, IN_PLACE_BOUND, startToGoal);
  const opening = observation[Observation.gripperOpening]!;
  const graspSuccess = tcpToPuck < 0.04 && puckNow[2] - 0.02 > puckAtStart[2] && !(opening < 0.33);
  let reward = hamacherProduct(grasp, inPlace);
  if (graspSuccess) reward += 1 + 5 * hamacherProduct(inPlace, aboveFloor);
  return {
    reward: toGoal < TARGET_RADIUS ? 10 : reward,
    success: toGoal <= SUCCESS_DISTANCE,
    nearObject: tcpToPuck <= 0.03 ? 1 : 0,
    graspSuccess,
    graspReward: grasp,
    inPlaceReward: inPlace,
    objectToTarget: toGoal,
  };
}

function pickOutOfHoleWorldbody(): string {
  const h = RAISED_TOP / 2;
  const slab = (name: string, x0: number, x1: number, y0: number, y1: number): string =>
    `    <geom name="${name}" type="box" class="fixture" pos="${vec((x0 + x1) / 2, (y0 + y1) / 2, h)}" size="${vec((x1 - x0) / 2, (y1 - y0) / 2, h)}" rgba="${SceneColors.table}"/>`;
  return [
    // The raised top: a front band, two side blocks and a back strip leave the hole open.
    slab("raised_front", -0.7, 0.7, 0.2, HOLE_FRONT_Y),
    slab("raised_left", -0.7, -HOLE_HALF_WIDTH, HOLE_FRONT_Y, 1.1),
    slab("raised_right", HOLE_HALF_WIDTH, 0.7, HOLE_FRONT_Y, 1.1),
    slab("raised_back", -HOLE_HALF_WIDTH, HOLE_HALF_WIDTH, HOLE_BACK_Y, 1.1),
    `    <body name="puck" pos="${vec(...PUCK_START)}">
      <freejoint name="puck"/>
      <geom name="puck" type="cylinder" class="freeObject" size="${vec(PUCK_RADIUS, PUCK_HALF_HEIGHT)}" mass="0.05" rgba="${SceneColors.object}"/>
    </body>
    <body name="goal_marker" mocap="true" pos="0 0.55 0.2">
      <geom name="goal_marker" type="sphere" class="decor" size="0.018" rgba="${SceneColors.goal}"/>
    </body>`,
  ].join("\n");
}
