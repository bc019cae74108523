import { distance3 } from "./reward-shaping.js";

/**
 * The 39-dimensional observation of the Meta-World v2 benchmark, as offsets into the vector:
 *
 *   [ 0.. 2] hand xyz: the mocap point, TCP_BELOW_MOCAP (5 cm) above the tool centre point
 *            between the finger pads (the reference reports its hand body, ≈4.5 cm above)
 *   [ 3    ] gripper opening: distance between the pads / 0.1, clipped to [0, 1]
 *   [ 4.. 6] object 1 xyz      [ 7..10] object 1 quaternion (w, x, y, z)
 *   [11..13] object 2 xyz      [14..17] object 2 quaternion            (unused slots are 0)
 *   [18..35] the same 18 values one step earlier (at reset: a copy of the current frame)
 *   [36..38] goal xyz
 */
export const Observation = {
  size: 39,
  frameSize: 18,
  hand: 0,
  gripperOpening: 3,
  object1Position: 4,
  object1Quaternion: 7,
  object2Position: 11,
  object2Quaternion: 14,
  previousFrame: 18,
  goal: 36,
} as const;

/** Distance between the finger pads that reads as a fully open gripper (opening 1). */
export const OPENING_SCALE = 0.1;

/**
 * ‖object 1 − goal‖ within one observation: the distance most tasks' success and in-place terms
 * read (now, and at reset for the in-place margin).
 */
export function objectToGoalDistance(observation: Float32Array): number {
  return distance3(observation, Observation.object1Position, observation, Observation.goal);
}

/** Object 1's position in `observation`. */
export function objectPosition(observation: Float32Array): [number, number, number] {
  const at = Observation.object1Position;
  return [observation[at]!, observation[at + 1]!, observation[at + 2]!];
}

/** The goal position in `observation`. */
export function goalPosition(observation: Float32Array): [number, number, number] {
  const at = Observation.goal;
  return [observation[at]!, observation[at + 1]!, observation[at + 2]!];
}
