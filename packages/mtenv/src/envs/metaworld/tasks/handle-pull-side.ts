import { cagingReward, tcpDistance, type CagingOptions } from "../gripper-caging.js";
import { HANDLE_DOWN, HandleBox, PULL_GOAL_HEIGHT, handleBoxWorldbody, handleGoal, handlePullExpert } from "../handle-box.js";
import { Observation, objectPosition } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";

/** The reward's radius and its jump to 10 (the reference's default TARGET_RADIUS)... */
const TARGET_RADIUS = 0.05;
/** ...and the looser success distance of this task. */
const SUCCESS_DISTANCE = 0.08;

/** The grasp term's caging parameters (the reference's). */
const ARM_CAGING: CagingOptions = { objectRadius: 0.032, padThreshold: 0.06, xzThreshold: 0.01, highDensity: true };

/**
 * handle-pull-side: pull up the handle of a box turned a quarter turn, standing to the robot's
 * left (x −0.35 to −0.25, y 0.65–0.75) with its arm pointing to +x, from its lowest position.
 *
 * Object 1 is a point on the arm 4.6 cm behind the bar's axis (the reference's handleCenter); the
 * goal is 17.2 cm above the base on the bar's axis (its goalPull), so the point never gets nearer
 * than 4.6 cm and success (‖point − goal‖ ≤ 0.08) needs the handle raised ≥ 5.7 cm of its 10. The
 * reference's v2 reward: in-place = long-tail tolerance of ‖point − goal‖ within 5 cm, margin its
 * value at reset; grasp = the caging reward at the point with its reset position as the start
 * (object radius 3.2 cm, pads within 6 cm, TCP within 1 cm in x–z, high density: it needs the
 * fingers commanded closed); reward = Hamacher(grasp, in-place), plus 1 + 5 · in-place while the
 * TCP is within 3.5 cm of the point, the observed opening is above 0 and the point is more than
 * 1 cm above its start; 10 once ‖point − goal‖ < 5 cm (out of reach at the joint's stop, as in the
 * reference). Info: near_object = TCP within 5 cm, grasp_success = opening > 0 and the point more
 * than 3 cm above its start. Hand starts at (0, 0.6, 0.2). Differences: box geometry and
 * quaternion as in handle-press; our expert pinches the arm and lifts, as the reference's does.
 */
export const handlePullSideTask: ManipulationTask = {
  name: "handle-pull-side",
  description: "Pull up the handle that sticks out sideways from a box on your left, from its lowest position. Each configuration places the handle box at random.",
  scene: { name: "handle-pull-side", worldbody: handleBoxWorldbody("side") },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    const box = uniformIn(rng, [-0.35, 0.65, 0], [-0.25, 0.75, 0]);
    return { object: box, goal: handleGoal("side", box, PULL_GOAL_HEIGHT) };
  },
  bind(simulation) {
    const handle = new HandleBox(simulation, "handleCenter");
    return {
      reset: (configuration) => handle.reset(configuration, HANDLE_DOWN),
      observeObjects: (out, offset) => handle.observeObjects(out, offset),
      evaluate(observation, initial, gripper) {
        const point = objectPosition(observation);
        const start = objectPosition(initial);
        const goal = Observation.goal;
        const toTarget = Math.hypot(point[0] - observation[goal]!, point[1] - observation[goal + 1]!, point[2] - observation[goal + 2]!);
        const startToTarget = Math.hypot(start[0] - initial[goal]!, start[1] - initial[goal + 1]!, start[2] - initial[goal + 2]!);
        const inPlace = longTailTolerance(toTarget, TARGET_RADIUS, startToTarget);
        const grasp = cagingReward(gripper, point, start, ARM_CAGING);
        const opening = observation[Observation.gripperOpening]!;
        const tcpToPoint = tcpDistance(gripper, point);
        let reward = hamacherProduct(grasp, inPlace);
        if (tcpToPoint < 0.035 && opening > 0 && point[2] - 0.01 > start[2]) reward += 1 + 5 * inPlace;
        if (toTarget < TARGET_RADIUS) reward = 10;
        return {
          reward,
          success: toTarget <= SUCCESS_DISTANCE,
          nearObject: tcpToPoint <= 0.05 ? 1 : 0,
          graspSuccess: opening > 0 && point[2] - 0.03 > start[2],
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: toTarget,
        };
      },
    };
  },
  createExpert: () => handlePullExpert(0.1),
};
