import { SceneColors, vec } from "./scene.js";
import type { Vec3 } from "./reward-shaping.js";

/**
 * The drawer cabinet of drawer-open and drawer-close: a fixed housing (scenery) around a drawer
 * that slides out towards the robot (−y) on a joint whose position is the pull in metres, 0 to
 * DRAWER_TRAVEL. The handle is a horizontal bar standing HANDLE_STANDOFF in front of the drawer
 * face, leaving a gap the closed fingers fit into to hook it.
 */

export const DRAWER_TRAVEL = 0.2;
export const HANDLE_STANDOFF = 0.05;
/** Cabinet geometry relative to its base (the configuration's object position, on the table). */
const HALF_WIDTH = 0.1;
const HALF_DEPTH = 0.1;
const HANDLE_HEIGHT = 0.08;
/** Handle site relative to the cabinet base with the drawer closed. */
export const HANDLE_OFFSET: Vec3 = [0, -HALF_DEPTH - HANDLE_STANDOFF, HANDLE_HEIGHT];
/** Cabinet base range: x ± 0.1 at y 0.9 (the reference's drawer range). */
export const CABINET_LOW: Vec3 = [-0.1, 0.9, 0];
export const CABINET_HIGH: Vec3 = [0.1, 0.9, 0];

export function drawerWorldbody(): string {
  const wall = (name: string, pos: Vec3, size: Vec3): string =>
    `<geom name="${name}" type="box" class="decor" pos="${vec(...pos)}" size="${vec(...size)}" rgba="${SceneColors.cabinet}"/>`;
  return `    <body name="cabinet" mocap="true" pos="0 0.9 0">
      ${wall("cabinet_top", [0, 0, 0.155], [HALF_WIDTH, HALF_DEPTH, 0.005])}
      ${wall("cabinet_left", [-HALF_WIDTH + 0.005, 0, 0.08], [0.005, HALF_DEPTH, 0.08])}
      ${wall("cabinet_right", [HALF_WIDTH - 0.005, 0, 0.08], [0.005, HALF_DEPTH, 0.08])}
      ${wall("cabinet_back", [0, HALF_DEPTH - 0.005, 0.08], [HALF_WIDTH, 0.005, 0.08])}
      <body name="drawer">
        <joint name="drawer_slide" type="slide" axis="0 -1 0" range="0 ${DRAWER_TRAVEL}" damping="3" armature="0.05" frictionloss="2"/>
        <geom name="drawer_front" type="box" class="handle" pos="0 ${-HALF_DEPTH + 0.008} 0.08" size="${vec(HALF_WIDTH - 0.012, 0.008, 0.065)}" mass="0.2" rgba="${SceneColors.cabinet}"/>
        <geom name="drawer_floor" type="box" class="decor" pos="0 0 0.02" size="${vec(HALF_WIDTH - 0.014, HALF_DEPTH - 0.01, 0.004)}" mass="0.1" rgba="${SceneColors.cabinet}"/>
        <geom name="drawer_post_left" type="box" class="handle" pos="${vec(-0.045, -HALF_DEPTH - HANDLE_STANDOFF / 2, HANDLE_HEIGHT)}" size="${vec(0.006, HANDLE_STANDOFF / 2, 0.006)}" rgba="${SceneColors.handle}"/>
        <geom name="drawer_post_right" type="box" class="handle" pos="${vec(0.045, -HALF_DEPTH - HANDLE_STANDOFF / 2, HANDLE_HEIGHT)}" size="${vec(0.006, HANDLE_STANDOFF / 2, 0.006)}" rgba="${SceneColors.handle}"/>
        <geom name="drawer_handle" type="box" class="handle" pos="${vec(...HANDLE_OFFSET)}" size="0.05 0.008 0.008" rgba="${SceneColors.handle}"/>
        <site name="drawer_handle" pos="${vec(...HANDLE_OFFSET)}" size="0.005"/>
      </body>
    </body>`;
}

export const DRAWER_NAMES = { base: "cabinet", joint: "drawer_slide", handleSite: "drawer_handle", movingBody: "drawer" } as const;
