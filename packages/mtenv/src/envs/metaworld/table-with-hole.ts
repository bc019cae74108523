import type { Vec3 } from "./reward-shaping.js";
import { SceneColors, vec } from "./scene.js";

/**
 * The raised tabletop of sweep-into and hand-insert (the reference's "table with hole"): a 5 cm
 * thick top whose surface is at z = TABLE_WITH_HOLE_SURFACE, with a 16 × 16 cm square hole
 * centred at HOLE_CENTRE down to the shared table plane (z = 0). Four fixture boxes around the
 * hole, at the reference's extents, so free objects rest on them and drop through the hole; the
 * finger pads pass through them as they pass through the table.
 */

export const TABLE_WITH_HOLE_SURFACE = 0.05;
export const HOLE_CENTRE: Vec3 = [0, 0.84, 0];
export const HOLE_HALF_WIDTH = 0.08;

export function tableWithHoleWorldbody(): string {
  const h = TABLE_WITH_HOLE_SURFACE / 2;
  const [cx, cy] = HOLE_CENTRE;
  const w = HOLE_HALF_WIDTH;
  const box = (name: string, xLow: number, xHigh: number, yLow: number, yHigh: number): string =>
    `<geom name="${name}" type="box" class="fixture" pos="${vec((xLow + xHigh) / 2, (yLow + yHigh) / 2, h)}" size="${vec((xHigh - xLow) / 2, (yHigh - yLow) / 2, h)}" rgba="${SceneColors.table}"/>`;
  return [
    box("raised_front", cx - w, cx + w, 0.2, cy - w),
    box("raised_back", cx - w, cx + w, cy + w, 1.0),
    box("raised_left", -0.7, cx - w, 0.2, 1.0),
    box("raised_right", cx + w, 0.7, 0.2, 1.0),
  ]
    .map((geom) => `    ${geom}`)
    .join("\n");
}
