import { expertTcp, moveTowards } from "./expert-motion.js";
import type { Vec3 } from "./reward-shaping.js";
import { FINGER_PAD_HALF_SIZE, FINGER_TRAVEL, SceneColors, vec } from "./scene.js";
import type { Rng } from "../../core/rng.js";
import { uniformIn, type ExpertPolicy, type TaskConfiguration } from "./task.js";
import { add } from "./vector.js";

/**
 * The safe of door-lock and door-unlock: a cabinet whose door is shut and fixed (the reference's
 * door_link has no joint), with a lock lever on the door's face. The lever turns about the y axis
 * (pointing into the door) on the reference's hinge: angle 0 is horizontal, pointing +x (unlocked),
 * π/2 points straight down (locked); damping 2, range 0 to 1.57 rad. Only the lever collides.
 *
 * The configuration's object position is the safe's base point (the reference's "door" body, x ±0.1,
 * y 0.8–0.85, z 0.15); the lever's pivot is LOCK_FROM_BASE from it. Object 1 is a point near the
 * lever's tip (the reference's lockStartLock / lockStartUnlock site: 9 cm along the lever, 4 cm in
 * front of the pivot, 1 cm above or below the lever's axis) and the orientation of the fixed door
 * (identity), as in the reference.
 */

/** The lever's pivot relative to the safe's base point (the reference's door_link + lock_link offsets). */
export const LOCK_FROM_BASE: Vec3 = [0, -0.118, 0.061];
/** The safe's base point range (the reference's object range). */
export const SAFE_LOW: Vec3 = [-0.1, 0.8, 0.15];
export const SAFE_HIGH: Vec3 = [0.1, 0.85, 0.15];
/** The locked angle (the reference resets door-unlock to 1.5708). */
export const LOCKED_ANGLE = 1.5708;
/** The lever: a bar along its local +x, centred LEVER_CENTRE from the pivot, with these half-extents. */
const LEVER_CENTRE: Vec3 = [0.042, -0.024, 0];
const LEVER_HALF_SIZE: Vec3 = [0.05, 0.019, 0.01];
/** The reference's lock travel (its _lock_length): the margin of its "pressed"/"pushed" terms. */
export const LOCK_TRAVEL = 0.1;

/** The observed sites in the lever's frame: above the axis for door-lock, below for door-unlock. */
export const LOCK_SITE_LOCAL: Vec3 = [0.09, -0.04, 0.01];
export const UNLOCK_SITE_LOCAL: Vec3 = [0.09, -0.04, -0.01];

export const LOCK_NAMES = { base: "safe", joint: "lock_lever", movingBody: "safe" } as const;

/**
 * A configuration of door-lock or door-unlock: the safe drawn in its range, the goal at
 * `goalFromPivot` from the lever's pivot.
 */
export function sampleSafeConfiguration(rng: Rng, goalFromPivot: Vec3): TaskConfiguration {
  const base = uniformIn(rng, SAFE_LOW, SAFE_HIGH);
  return { object: base, goal: add(add(base, LOCK_FROM_BASE), goalFromPivot) };
}

/** The lever's angle from an observed site `site` (world) given the pivot and the site's lever-frame offset. */
export function leverAngle(site: Vec3, pivot: Vec3, siteLocal: Vec3): number {
  // A turn by θ about +y maps (x, z) to (x cos θ + z sin θ, −x sin θ + z cos θ): a rotation by −θ in the x–z plane.
  return Math.atan2(siteLocal[2], siteLocal[0]) - Math.atan2(site[2] - pivot[2], site[0] - pivot[0]);
}

export function safeWorldbody(): string {
  const [pivotX, pivotY, pivotZ] = LOCK_FROM_BASE;
  const wall = (name: string, pos: Vec3, size: Vec3, rgba: string = SceneColors.cabinet): string =>
    `<geom name="${name}" type="box" class="decor" pos="${vec(...pos)}" size="${vec(...size)}" rgba="${rgba}"/>`;
  return `    <body name="safe" mocap="true" pos="0 0.85 0.15">
      ${wall("safe_left", [-0.204, 0, 0], [0.016, 0.106, 0.15])}
      ${wall("safe_right", [0.204, 0, 0], [0.016, 0.106, 0.15])}
      ${wall("safe_top", [0, 0, 0.138], [0.188, 0.106, 0.012])}
      ${wall("safe_bottom", [0, 0, -0.138], [0.188, 0.106, 0.012])}
      ${wall("safe_back", [0, 0.094, 0], [0.188, 0.012, 0.126])}
      ${wall("safe_door", [0, -0.1, 0], [0.184, 0.01, 0.124], SceneColors.table)}
      ${wall("safe_handle", [0.14, -0.13, -0.05], [0.013, 0.02, 0.013], SceneColors.handle)}
      ${wall("safe_lock_plate", [pivotX, pivotY + 0.009, pivotZ], [0.047, 0.004, 0.047], SceneColors.handle)}
      <body name="lock_lever" pos="${vec(pivotX, pivotY, pivotZ)}">
        <joint name="lock_lever" type="hinge" axis="0 1 0" range="0 1.57" damping="2" armature="0.001"/>
        <geom name="lock_lever" type="box" class="handle" pos="${vec(...LEVER_CENTRE)}" size="${vec(...LEVER_HALF_SIZE)}" mass="0.01" rgba="${SceneColors.object}"/>
        <site name="lock_tip_lock" pos="${vec(...LOCK_SITE_LOCAL)}" size="0.005"/>
        <site name="lock_tip_unlock" pos="${vec(...UNLOCK_SITE_LOCAL)}" size="0.005"/>
      </body>
    </body>`;
}

/** What the lever expert reads from an observation: the pivot and the lever's angle. */
export interface LeverState {
  readonly pivot: Vec3;
  readonly angle: number;
}

/**
 * Scripted lever expert: bring a finger pad to the lever's side, `radius` out from the pivot, on
 * the side that turns it towards `direction` (+1: down, locking; −1: up, unlocking), then keep
 * pushing that side a little ahead of the lever's angle. With the gripper open (`grip` ≤ 0) the
 * +y pad is lined up with the lever; closed, both pads are. It reaches the push point from the
 * front (−y) and from above (locking) or the −x side (unlocking), so it never sweeps the lever
 * the wrong way.
 */
export function leverPushExpert(read: (observation: Float32Array) => LeverState, direction: 1 | -1, grip: number, radius = 0.07): ExpertPolicy {
  // The TCP's y relative to the lever's middle: with the fingers open the +y pad sits FINGER_TRAVEL + a pad's half thickness ahead of the TCP.
  const padAhead = grip > 0 ? 0 : FINGER_TRAVEL + FINGER_PAD_HALF_SIZE[1];
  let phase: "staging" | "approach" | "pushing" = "staging";
  const pushPoint = (state: LeverState, angle: number): Vec3 => {
    const along: Vec3 = [Math.cos(angle), 0, -Math.sin(angle)];
    // The normal on the pushing side, and how far the pad's box reaches along it.
    const normal: Vec3 = [direction * Math.sin(angle), 0, direction * Math.cos(angle)];
    const reach = LEVER_HALF_SIZE[2] + FINGER_PAD_HALF_SIZE[0] * Math.abs(Math.sin(angle)) + FINGER_PAD_HALF_SIZE[2] * Math.abs(Math.cos(angle)) + 0.004;
    return [
      state.pivot[0] + radius * along[0] + reach * normal[0],
      state.pivot[1] + LEVER_CENTRE[1] - padAhead,
      state.pivot[2] + radius * along[2] + reach * normal[2],
    ];
  };
  return {
    act(observation, action) {
      const state = read(observation);
      const contact = pushPoint(state, state.angle);
      const tcp = expertTcp(observation);
      // Off to the pushing side, and in front of the lever (−y), before closing in.
      const normal: Vec3 = [direction * Math.sin(state.angle), 0, direction * Math.cos(state.angle)];
      const staging: Vec3 = [contact[0] + 0.06 * normal[0], state.pivot[1] - 0.08 - padAhead, contact[2] + 0.06 * normal[2]];
      const error = (target: Vec3): number => Math.hypot(tcp[0] - target[0], tcp[1] - target[1], tcp[2] - target[2]);
      if (phase === "staging" && error(staging) < 0.015) phase = "approach";
      if (phase === "approach" && error(contact) < 0.01) phase = "pushing";
      if (phase === "pushing" && error(contact) > 0.05) phase = "staging";
      if (phase === "staging") moveTowards(observation, staging, grip, action);
      else if (phase === "approach") moveTowards(observation, Math.abs(tcp[1] - contact[1]) > 0.01 ? [staging[0], contact[1], staging[2]] : contact, grip, action);
      else moveTowards(observation, pushPoint(state, state.angle + direction * 0.35), grip, action);
    },
  };
}
