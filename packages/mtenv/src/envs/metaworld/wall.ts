import type { Vec3 } from "./reward-shaping.js";
import { SceneColors, vec } from "./scene.js";

/**
 * The fixed wall of reach-wall, push-wall and pick-place-wall, where the reference puts it: centred at (0.1, 0.75, 0.06),
 * 0.24 m wide, 2 cm thick, 0.12 m tall, between the object's range and the goal's. It stops the
 * finger pads and free objects alike, so a carried object must go over it.
 */
export const WALL_CENTRE: Vec3 = [0.1, 0.75, 0.06];
export const WALL_HALF_SIZE: Vec3 = [0.12, 0.01, 0.06];
/** The block's range in the reference's wall tasks (in front of the wall). */
export const WALL_TASK_BLOCK_RANGE: readonly [Vec3, Vec3] = [
  [-0.05, 0.6, 0.02],
  [0.05, 0.65, 0.02],
];
/** A block beyond this y is past the wall (the reference's test in push-wall and pick-place-wall). */
export const PAST_WALL_Y = 0.75;
/** Success of push-wall and pick-place-wall: the block within this distance of the goal. */
export const WALL_TASK_SUCCESS_DISTANCE = 0.07;
/** Height the experts lift the TCP to before crossing the wall's plane. */
export const OVER_WALL_HEIGHT = WALL_CENTRE[2] + WALL_HALF_SIZE[2] + 0.08;

/**
 * MJCF of a wall box (by default the "-wall" tasks' one): it collides with the pads (conaffinity
 * 1) and with free objects (contype 2).
 */
export function wallWorldbody(centre: Vec3 = WALL_CENTRE, halfSize: Vec3 = WALL_HALF_SIZE): string {
  return `    <geom name="wall" type="box" contype="2" conaffinity="1" pos="${vec(...centre)}" size="${vec(...halfSize)}" rgba="${SceneColors.cabinet}"/>`;
}

/**
 * A waypoint for an expert carrying the TCP (or an object at it) to `target` past the wall: while
 * the carried point is on the near side, first straight up to OVER_WALL_HEIGHT, then towards the
 * target's xy at that height; past the wall, the target itself.
 */
export function overWall(carried: Vec3, target: Vec3): Vec3 {
  const wallFarSide = WALL_CENTRE[1] + WALL_HALF_SIZE[1] + 0.03;
  if (carried[1] >= wallFarSide) return target;
  if (carried[2] < OVER_WALL_HEIGHT - 0.02) return [carried[0], carried[1], OVER_WALL_HEIGHT];
  return [target[0], target[1], Math.max(target[2], OVER_WALL_HEIGHT)];
}
