import { Observation, goalPosition } from "../observation-layout.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { tolerance, type Vec3 } from "../reward-shaping.js";
import { drawUntil, planarDistance, uniformIn, type ManipulationTask, type StepEvaluation } from "../task.js";
import { HANDLE_FROM_CENTRE, WrenchScene, wrenchExpert, wrenchGraspOptions, wrenchGraspReward, wrenchLevelReward, wrenchWorldbody } from "../wrench.js";

/** The wrench's ring starts here (the reference's object range is this one point). */
const WRENCH_START: Vec3 = [0, 0.6, 0.02];
/** The goal: the peg's top, 10 cm above the table. */
const GOAL_LOW: Vec3 = [-0.1, 0.75, 0.1];
const GOAL_HIGH: Vec3 = [0.1, 0.85, 0.1];
/** The ring's centre within this of the peg's axis (and below its top) is around the peg. */
const ALIGNED_RADIUS = 0.02;

/** The ring is around the peg: its centre within 2 cm of the peg's axis and below the peg's top. */
export function ringAroundPeg(centre: ArrayLike<number>, pegTop: Vec3): boolean {
  return Math.hypot(pegTop[0] - centre[0]!, pegTop[1] - centre[1]!) < ALIGNED_RADIUS && pegTop[2] - centre[2]! > 0;
}

/**
 * The reference's in-place term of assembly, for the ring's centre and the peg's top: 0.1 ·
 * lifted + 0.9 · long-tail tolerance of ‖(Δx, Δy, 3 · (funnel height − centre z))‖ within 2 cm,
 * margin 0.4, where Δ is the peg's top minus the centre, the funnel height is 0 within the
 * threshold (2 cm once ringAroundPeg, else 1 cm) of the axis and 0.02 · ln(radius − threshold)
 * + 0.2 beyond it, and lifted = centre above 2 cm or within the threshold of the axis.
 */
export function assemblyInPlace(centre: ArrayLike<number>, pegTop: Vec3): number {
  const dx = pegTop[0] - centre[0]!;
  const dy = pegTop[1] - centre[1]!;
  const radius = Math.hypot(dx, dy);
  const threshold = ringAroundPeg(centre, pegTop) ? 0.02 : 0.01;
  const funnelHeight = radius > threshold ? 0.02 * Math.log(radius - threshold) + 0.2 : 0;
  const lifted = centre[2]! > 0.02 || radius < threshold;
  const scaled = Math.hypot(dx, dy, 3 * (funnelHeight - centre[2]!));
  return 0.1 * (lifted ? 1 : 0) + 0.9 * tolerance(scaled, 0, 0.02, 0.4, "long_tail");
}

/** The grasp term's caging options: medium density, reach within 1 cm. */
const GRASP_OPTIONS = wrenchGraspOptions({ mediumDensityReachRadius: 0.01 });
const pegTopNow = scratchPoint();

/**
 * assembly: pick the wrench up by its handle and put its ring down over the peg.
 *
 * Object 1 is the wrench's handle point (13 cm +x of the ring's centre) and its orientation;
 * object 2 is unused; the goal is the peg's top (10 cm up). The reference's v2 reward: grasp =
 * the wrench grasp term (caging on the handle under the hand, medium density: averaged with a
 * reach term within 1 cm, margin the starting TCP distance); in-place = assemblyInPlace; level =
 * the wrench level term; reward = (2 · grasp + 6 · in-place) · level, 10 on success. Success: the
 * ring's centre within 2 cm of the peg's axis and below its top. Info: near_object = the level
 * term, grasp_success = grasp ≥ 0.5, obj_to_target 0.
 *
 * Differs from the reference as disassemble does (wrench.ts): eight-capsule ring, 60 g wrench,
 * plain cylinder peg. Peg and wrench start ≥ 10 cm apart in xy (the reference's rejection rule,
 * always met by these ranges).
 */
export const assemblyTask: ManipulationTask = {
  name: "assembly",
  description: "Assembly: pick the wrench up by its handle and put its ring down over the peg. Each configuration places the peg at random.",
  scene: { name: "assembly", worldbody: wrenchWorldbody(GOAL_LOW[2]) },
  successThreshold: ALIGNED_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    return drawUntil(
      () => {
        const goal = uniformIn(rng, GOAL_LOW, GOAL_HIGH);
        return { object: WRENCH_START, goal, secondObject: [goal[0], goal[1], 0] as Vec3 };
      },
      (candidate) => planarDistance(candidate.object, candidate.goal) >= 0.1,
    );
  },
  bind(simulation) {
    const scene = new WrenchScene(simulation);
    return {
      reset: (configuration) => scene.reset(configuration.object, [configuration.goal[0], configuration.goal[1], 0]),
      observeObjects: (out, offset) => scene.observeObjects(out, offset),
      evaluate(observation, initial, gripper): StepEvaluation {
        const grasp = wrenchGraspReward(observation, initial, gripper, GRASP_OPTIONS);
        const centre = scene.readCentre();
        const pegTop = readPoint(pegTopNow, observation, Observation.goal);
        const inPlace = assemblyInPlace(centre, pegTop);
        const aroundPeg = ringAroundPeg(centre, pegTop);
        const level = wrenchLevelReward(observation);
        return {
          reward: aroundPeg ? 10 : (2 * grasp + 6 * inPlace) * level,
          success: aroundPeg,
          nearObject: level,
          graspSuccess: grasp >= 0.5,
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: 0,
        };
      },
    };
  },
  createExpert() {
    // Lift the ring clear of the peg's top, carry it over the peg (the handle 13 cm +x of the
    // axis), then lower it straight down once lined up.
    let lowering = false;
    return wrenchExpert((handle, observation) => {
      const pegTop = goalPosition(observation);
      const over: Vec3 = [pegTop[0] + HANDLE_FROM_CENTRE, pegTop[1], pegTop[2] + 0.06];
      if (!lowering && Math.hypot(handle[0] - over[0], handle[1] - over[1]) < 0.006 && handle[2] > pegTop[2] + 0.03) lowering = true;
      if (lowering) return [over[0], over[1], 0.03];
      if (handle[2] < pegTop[2] + 0.04) return [handle[0], handle[1], over[2]];
      return over;
    });
  },
};
