/**
 * The shaping functions of the Meta-World-style rewards (the v2 recipe: tolerance terms combined
 * by products), written here from their definitions. Every function maps into [0, 1], so a
 * reward built from them and scaled by 10 stays in [0, 10].
 */

export type Vec3 = readonly [number, number, number];

/**
 * 1 when `distance` is within `bound`, falling off with a long tail beyond it: 0.1 at
 * `bound + margin`, and never exactly 0, so far-away states still get a gradient. A margin of 0
 * (e.g. the object started on the goal) makes it a step.
 */
export function longTailTolerance(distance: number, bound: number, margin: number): number {
  if (distance <= bound) return 1;
  if (!(margin > 0)) return 0;
  // 1 / ((x·s)² + 1) with s chosen so that the value is 0.1 at one margin outside the bound.
  const scaled = ((distance - bound) / margin) * 3;
  return 1 / (scaled * scaled + 1);
}

/** Linear fall-off from 1 at `bound` to 0 at `bound + margin`. */
export function linearTolerance(distance: number, bound: number, margin: number): number {
  if (distance <= bound) return 1;
  if (!(margin > 0)) return 0;
  return Math.max(0, 1 - (distance - bound) / margin);
}

/**
 * The Hamacher product of two values in [0, 1]: a "soft AND" that is 0 when either is 0, 1 only
 * when both are 1, and — unlike a plain product — not crushed when both are moderate.
 */
export function hamacherProduct(a: number, b: number): number {
  const denominator = a + b - a * b;
  return denominator > 0 ? (a * b) / denominator : 0;
}

export function distance3(a: ArrayLike<number>, aAt: number, b: ArrayLike<number>, bAt: number): number {
  return Math.hypot(a[aAt]! - b[bAt]!, a[aAt + 1]! - b[bAt + 1]!, a[aAt + 2]! - b[bAt + 2]!);
}

/** Clamps to [0, 10], the reward range every task promises. */
export function clampReward(value: number): number {
  return Math.min(10, Math.max(0, value));
}
