import { expertTcp, moveTowards } from "../expert-motion.js";
import { objectPosition } from "../observation-layout.js";
import { hamacherProduct, type Vec3 } from "../reward-shaping.js";
import { FINGER_PAD_HALF_SIZE } from "../scene.js";
import type { ExpertPolicy, ManipulationTask } from "../task.js";
import { wallWorldbody } from "../wall.js";
import { sideButtonExpert, sideButtonTask } from "./button-press.js";

/** The reference's wall for this task: centred at (0.1, 0.6, 0.075), 0.2 m wide, 2 cm thick, 0.15 m tall. */
const WALL_CENTRE: Vec3 = [0.1, 0.6, 0.075];
const WALL_HALF_SIZE: Vec3 = [0.1, 0.01, 0.075];
/** Success: the face within this y distance of the goal (the reference's 0.03). */
const SUCCESS_DISTANCE = 0.03;

/**
 * button-press-wall: button-press's front-facing button, with a wall between the hand's start and
 * the button, where the reference puts it (wall.ts's box at (0.1, 0.6, 0.075), half-size (0.1, 0.01,
 * 0.075)); the box's x range narrows to ±0.05.
 *
 * The reference's v2 reward, no success override, the commanded action unread: near = long-tail
 * tolerance of ‖TCP − face‖ within 1 cm, margin the face's distance from the TCP at reset; pressed
 * = long-tail tolerance of the face's y distance to the goal within 5 mm, margin its value at
 * reset. While the TCP is more than 7 cm from the face: 2 · Hamacher((1 − opening) / 2, near),
 * opening being the observed obs[3]; within 7 cm: 2 + 2 · (1 + opening) + 4 · pressed². Success:
 * |face y − goal y| ≤ 0.03. The hand starts at (0, 0.4, 0.2).
 */
export const buttonPressWallTask: ManipulationTask = sideButtonTask({
  name: "button-press-wall",
  description: "Push the button that faces you into its box, reaching over a wall in front of it. Each configuration places the button box at random.",
  boxRange: [
    [-0.05, 0.85, 0.115],
    [0.05, 0.9, 0.115],
  ],
  extraWorldbody: wallWorldbody(WALL_CENTRE, WALL_HALF_SIZE),
  nearBound: 0.01,
  reward: ({ opening, near, pressed, tcpToFace }) =>
    tcpToFace > 0.07 ? 2 * hamacherProduct((1 - opening) / 2, near) : 2 + 2 * (1 + opening) + 4 * pressed * pressed,
  successDistance: SUCCESS_DISTANCE,
  createExpert: overWallButtonExpert,
});

/** The expert's gripper action: fully closed, so the fingers take ±1.2 cm in y and fit between wall and button. */
const CLOSED = 1;
/** Gap the closed pads keep to the face before pushing: their rear stays clear of the wall's far face. */
const STAND_OFF_GAP = 0.015;
/** TCP height that carries the pads' bottoms over the wall's top. */
const OVER_WALL_TCP_Z = WALL_CENTRE[2] + WALL_HALF_SIZE[2] + FINGER_PAD_HALF_SIZE[2] + 0.03;

/** Rise over the wall to above the stand-off point, then button-press's line-up-and-push (closed). */
function overWallButtonExpert(): ExpertPolicy {
  const press = sideButtonExpert(CLOSED, STAND_OFF_GAP);
  let overWall = true;
  return {
    act(observation, action) {
      const face = objectPosition(observation);
      const hand = expertTcp(observation);
      const standOffY = face[1] - 2 * FINGER_PAD_HALF_SIZE[1] - STAND_OFF_GAP;
      if (overWall && Math.hypot(hand[0] - face[0], hand[1] - standOffY) < 0.01 && hand[2] > OVER_WALL_TCP_Z - 0.01) overWall = false;
      if (overWall) moveTowards(observation, [face[0], standOffY, OVER_WALL_TCP_Z], CLOSED, action);
      else press.act(observation, action);
    },
  };
}
