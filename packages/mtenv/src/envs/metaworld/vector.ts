import type { Vec3 } from "./reward-shaping.js";

/**
 * The small vector arithmetic the tasks place their parts with (a goal or part at a fixed offset
 * from a drawn base, a local point turned with a hinge). These allocate, so they belong in
 * sampling, reset and the experts, not in a reward's per-step path.
 */

/** a + b, componentwise. */
export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

/** a − b, componentwise. */
export function subtract(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** `v` turned by `angle` (rad) about the z axis. */
export function rotateZ(v: Vec3, angle: number): Vec3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]];
}
