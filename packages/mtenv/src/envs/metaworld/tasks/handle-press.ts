import { tcpDistance, initialTcpDistance } from "../gripper-caging.js";
import { HandleBox, PRESS_GOAL_HEIGHT, handleBoxWorldbody, handleGoal, handlePressExpert, type HandleBoxFacing } from "../handle-box.js";
import { objectPosition } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";

/** The reward's radius, and success: the bar's top within 2 cm (in z) of the goal. */
const TARGET_RADIUS = 0.02;
/** The joint position at reset: the handle up, 1 mm below its stop, as the reference sets it. */
const HANDLE_START = -0.001;

/**
 * handle-press: push the handle box's grip bar down.
 *
 * The box stands on the table (x ±0.1, y 0.8–0.9, z ±1 mm); object 1 is the top of the bar's middle
 * (the reference's handleStart); the goal is 7.5 cm above the box base on the bar's axis (its
 * goalPress), so the bar must go down by ≥ 7.7 cm of its 10. The reference's v2 reward, 10 ·
 * Hamacher(reach, in-place), 10 on success: in-place = long-tail tolerance of |bar top z − goal z|
 * within 2 cm, margin its value at reset less 2 cm; reach = long-tail tolerance of ‖TCP − bar
 * top‖ within 2 cm, margin ‖bar top − TCP‖ at reset less 2 cm; no gripper term. Success: |Δz| ≤
 * 0.02. Info: near_object = TCP within 5 cm of the bar top, grasp_success always. Hand starts at
 * (0, 0.6, 0.2). Differences: boxes and a capsule of the reference's collision sizes instead of
 * its meshes; the orientation is observed as a quaternion (w, x, y, z; the reference reports
 * zeros); only the finger pads touch the handle, so our expert presses with the pads — fingers
 * closed over a bar across x, open (both pads on the bar) over a bar along y — where the
 * reference's presses with the hand body.
 */
export const handlePressTask: ManipulationTask = handlePressVariant({
  name: "handle-press",
  description: "Push the handle that sticks out towards you straight down. Each configuration places the handle box at random.",
  facing: "front",
  boxRange: [[-0.1, 0.8, -0.001], [0.1, 0.9, 0.001]],
});

/** One of the two handle-press tasks: the box's facing and range. */
export function handlePressVariant(variant: { name: string; description: string; facing: HandleBoxFacing; boxRange: readonly [Vec3, Vec3] }): ManipulationTask {
  return {
    name: variant.name,
    description: variant.description,
    scene: { name: variant.name, worldbody: handleBoxWorldbody(variant.facing) },
    successThreshold: TARGET_RADIUS,
    handStart: [0, 0.6, 0.2],
    sampleConfiguration(rng) {
      const box = uniformIn(rng, variant.boxRange[0], variant.boxRange[1]);
      return { object: box, goal: handleGoal(variant.facing, box, PRESS_GOAL_HEIGHT) };
    },
    bind(simulation) {
      const box = new HandleBox(simulation, "handleStart");
      return {
        reset: (configuration) => box.reset(configuration, HANDLE_START),
        observeObjects: (out, offset) => box.observeObjects(out, offset),
        evaluate(observation, initial, gripper) {
          const top = objectPosition(observation);
          const topAtReset = objectPosition(initial);
          const goalZ = observation[38]!;
          const toTarget = Math.abs(top[2] - goalZ);
          const inPlace = longTailTolerance(toTarget, TARGET_RADIUS, Math.abs(Math.abs(topAtReset[2] - goalZ) - TARGET_RADIUS));
          const tcpToTop = tcpDistance(gripper, top);
          const reach = longTailTolerance(tcpToTop, TARGET_RADIUS, Math.abs(initialTcpDistance(gripper, topAtReset) - TARGET_RADIUS));
          const success = toTarget <= TARGET_RADIUS;
          return {
            reward: success ? 10 : 10 * hamacherProduct(reach, inPlace),
            success,
            nearObject: tcpToTop <= 0.05 ? 1 : 0,
            graspSuccess: true,
            graspReward: reach,
            inPlaceReward: inPlace,
            objectToTarget: toTarget,
          };
        },
      };
    },
    createExpert: () => handlePressExpert(variant.facing === "side" ? -1 : 1),
  };
}
