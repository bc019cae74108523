import assert from "node:assert/strict";
import type { GripperReadings } from "../task.js";

/**
 * What the reward tests write the reference's formulas out by hand with: the shaping functions
 * restated here, independently of reward-shaping.ts (so that a test cannot pass by calling the
 * code under test), an equality within 1e-5, and gripper readings for hand-built states.
 */

/** The Hamacher product, written out for the expected values. */
export const hamacher = (a: number, b: number): number => (a * b) / (a + b - a * b);

/** dm_control's long-tail sigmoid at `margins` margins outside the bounds: 1 / (1 + (3d)²) (√(1/0.1 − 1) = 3). */
export const longTailAt = (margins: number): number => 1 / (1 + (3 * margins) ** 2);

/** `actual` within 1e-5 of `expected`; the message names `what`. */
export function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-5, `${what}: ${actual}, expected ${expected}`);
}

/** Gripper readings for a hand-built state: TCP at (0, 0.6, 0.15) with the pads 5 cm either side, now and at reset, unless given. */
export function gripperReadings(overrides: Partial<GripperReadings>): GripperReadings {
  return {
    tcp: Float64Array.of(0, 0.6, 0.15),
    padHighY: 0.65,
    padLowY: 0.55,
    initialTcp: Float64Array.of(0, 0.6, 0.15),
    initialPadHighY: 0.65,
    initialPadLowY: 0.55,
    gripperAction: 0,
    ...overrides,
  };
}
