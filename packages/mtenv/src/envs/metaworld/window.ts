import { expertTcp, moveTowards } from "./expert-motion.js";
import { initialTcpDistance, tcpDistance } from "./gripper-caging.js";
import { goalPosition, objectPosition } from "./observation-layout.js";
import { hamacherProduct, tolerance, type ToleranceSigmoid, type Vec3 } from "./reward-shaping.js";
import { SceneColors, vec } from "./scene.js";
import type { ExpertPolicy, GripperReadings, StepEvaluation } from "./task.js";

/**
 * The sliding window of window-open and window-close: a frame (scenery) standing on the table
 * facing the robot, and a sash that slides along +x on a joint whose position is the opening in
 * metres, 0 to WINDOW_TRAVEL. A vertical handle bar stands off the sash towards the robot. The
 * configuration's object position is the handle's position with the window closed.
 */

export const WINDOW_TRAVEL = 0.2;
const SASH_HALF_WIDTH = 0.1;
const SASH_HALF_HEIGHT = 0.08;
const HANDLE_STANDOFF = 0.035;
/** The handle sits near the sash's leading (−x) edge when closed... */
const HANDLE_X = -SASH_HALF_WIDTH + 0.02;

export function windowWorldbody(): string {
  const bar = (name: string, pos: Vec3, size: Vec3): string =>
    `<geom name="${name}" type="box" class="decor" pos="${vec(...pos)}" size="${vec(...size)}" rgba="${SceneColors.cabinet}"/>`;
  // Frame coordinates are relative to the handle (base) position; the sash is centred HANDLE_X to its +x.
  const centre = -HANDLE_X;
  const frameHalfWidth = SASH_HALF_WIDTH * 2 + 0.02;
  const frameCentre = centre + SASH_HALF_WIDTH;
  return `    <body name="window_frame" mocap="true" pos="0 0.8 0.16">
      ${bar("frame_top", [frameCentre, HANDLE_STANDOFF, SASH_HALF_HEIGHT + 0.015], [frameHalfWidth, 0.015, 0.01])}
      ${bar("frame_bottom", [frameCentre, HANDLE_STANDOFF, -SASH_HALF_HEIGHT - 0.015], [frameHalfWidth, 0.015, 0.01])}
      ${bar("frame_left", [frameCentre - frameHalfWidth, HANDLE_STANDOFF, 0], [0.01, 0.015, SASH_HALF_HEIGHT + 0.025])}
      ${bar("frame_right", [frameCentre + frameHalfWidth, HANDLE_STANDOFF, 0], [0.01, 0.015, SASH_HALF_HEIGHT + 0.025])}
      ${bar("frame_leg_left", [frameCentre - frameHalfWidth, HANDLE_STANDOFF, -0.125], [0.01, 0.015, 0.03])}
      ${bar("frame_leg_right", [frameCentre + frameHalfWidth, HANDLE_STANDOFF, -0.125], [0.01, 0.015, 0.03])}
      <body name="sash">
        <joint name="window_slide" type="slide" axis="1 0 0" range="0 ${WINDOW_TRAVEL}" damping="3" armature="0.05"/>
        <geom name="sash_glass" type="box" class="decor" pos="${vec(centre, HANDLE_STANDOFF, 0)}" size="${vec(SASH_HALF_WIDTH, 0.004, SASH_HALF_HEIGHT)}" mass="0.2" rgba="${SceneColors.glass}"/>
        <geom name="sash_edge" type="box" class="decor" pos="${vec(centre - SASH_HALF_WIDTH, HANDLE_STANDOFF, 0)}" size="${vec(0.008, 0.008, SASH_HALF_HEIGHT)}" rgba="${SceneColors.cabinet}"/>
        <geom name="window_handle" type="box" class="handle" pos="0 0 0" size="0.008 0.008 0.045" mass="0.02" rgba="${SceneColors.handle}"/>
        <geom name="window_handle_post" type="box" class="decor" pos="${vec(0, HANDLE_STANDOFF / 2, 0)}" size="${vec(0.005, HANDLE_STANDOFF / 2, 0.005)}" rgba="${SceneColors.handle}"/>
        <site name="window_handle" pos="0 0 0" size="0.005"/>
      </body>
    </body>`;
}

export const WINDOW_NAMES = { base: "window_frame", joint: "window_slide", handleSite: "window_handle", movingBody: "sash" } as const;

/**
 * Scripted window expert: come down beside the handle bar on the side it must not move towards
 * (fingers closed), then push it along x to the goal. `direction` is +1 to open, −1 to close.
 */
export function windowPushExpert(direction: 1 | -1): ExpertPolicy {
  let lowered = false;
  return {
    act(observation, action) {
      const handle: Vec3 = [observation[4]!, observation[5]!, observation[6]!];
      const beside: Vec3 = [handle[0] - direction * 0.035, handle[1], handle[2]];
      const hand = expertTcp(observation);
      const horizontalError = Math.hypot(hand[0] - beside[0], hand[1] - beside[1]);
      if (!lowered && horizontalError < 0.01 && Math.abs(hand[2] - beside[2]) < 0.015) lowered = true;
      if (!lowered) {
        moveTowards(observation, horizontalError > 0.012 ? [beside[0], beside[1], handle[2] + 0.09] : beside, 1, action);
        return;
      }
      moveTowards(observation, [goalPosition(observation)[0] + direction * 0.01, handle[1], handle[2]], 1, action);
    },
  };
}

/** Success and the in-place radius of both window tasks: the handle within 5 cm of the goal in x. */
export const WINDOW_TARGET_RADIUS = 0.05;

/**
 * The reference's v2 reward of window-open and window-close: 10 · Hamacher(reach, in-place), with
 * in-place = long-tail tolerance of |handle x − goal x| within 5 cm, margin the travel minus 5 cm,
 * and reach = tolerance of ‖TCP − handle‖ within 2 cm, margin its value at reset minus 2 cm
 * (long-tail for window-open, Gaussian for window-close). It ignores the gripper action and has
 * no success override (both terms are 1 there anyway). Success: |handle x − goal x| ≤ 0.05.
 */
export function windowEvaluation(observation: Float32Array, initial: Float32Array, gripper: GripperReadings, reachSigmoid: ToleranceSigmoid): StepEvaluation {
  const handle = objectPosition(observation);
  const toGoal = Math.abs(handle[0] - goalPosition(observation)[0]);
  const inPlace = tolerance(toGoal, 0, WINDOW_TARGET_RADIUS, Math.abs(WINDOW_TRAVEL - WINDOW_TARGET_RADIUS), "long_tail");
  const handleRadius = 0.02;
  const tcpToHandle = tcpDistance(gripper, handle);
  const startReach = initialTcpDistance(gripper, objectPosition(initial));
  const reach = tolerance(tcpToHandle, 0, handleRadius, Math.abs(startReach - handleRadius), reachSigmoid);
  return {
    reward: 10 * hamacherProduct(reach, inPlace),
    success: toGoal <= WINDOW_TARGET_RADIUS,
    nearObject: tcpToHandle <= 0.05 ? 1 : 0,
    graspSuccess: true,
    graspReward: reach,
    inPlaceReward: inPlace,
    objectToTarget: toGoal,
  };
}
