/**
 * Reusable 3-D points for rewards that run every step: a task keeps a few of these and refills
 * them in place, so that scoring a step allocates nothing.
 */

/** A mutable point, usable wherever a Vec3 is read. */
export type ScratchPoint = [number, number, number];

export function scratchPoint(): ScratchPoint {
  return [0, 0, 0];
}

/** Fills `target` with the three values of `source` from `offset` (plus `shift`, if given) and returns it. */
export function readPoint(target: ScratchPoint, source: ArrayLike<number>, offset: number, shiftX = 0, shiftY = 0, shiftZ = 0): ScratchPoint {
  target[0] = source[offset]! + shiftX;
  target[1] = source[offset + 1]! + shiftY;
  target[2] = source[offset + 2]! + shiftZ;
  return target;
}
