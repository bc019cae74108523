/**
 * Colours shared by the MJCF templates, as MJCF rgba strings. The renderer shades geoms by their
 * rgba, and draws planes as a checkerboard whose cell size is the plane's third size value.
 */
export const Palette = {
  floor: "0.22 0.32 0.42 1",
  body: "0.78 0.52 0.30 1",
  limb: "0.70 0.45 0.26 1",
  accent: "0.90 0.80 0.35 1",
  target: "0.85 0.25 0.25 1",
  metal: "0.55 0.58 0.62 1",
  decor: "0.35 0.45 0.55 1",
} as const;

/** A number written with few digits, so generated XML stays readable and diffs stay small. */
export function num(value: number): string {
  return Number(value.toFixed(6)).toString();
}
