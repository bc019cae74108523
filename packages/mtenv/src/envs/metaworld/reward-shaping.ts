/**
 * The shaping functions of the Meta-World v2 rewards (dm_control's `tolerance` and the Hamacher
 * t-norm), written here from their definitions. Every function maps into [0, 1], so a reward
 * built from them and scaled by 10 stays in [0, 10].
 */

export type Vec3 = readonly [number, number, number];

/** The value every sigmoid takes at one margin outside the bounds (dm_control's default). */
const VALUE_AT_MARGIN = 0.1;

/** How a tolerance falls off outside its bounds (the subset of dm_control's sigmoids Meta-World uses). */
export type ToleranceSigmoid = "long_tail" | "gaussian" | "linear";

const LONG_TAIL_SCALE = Math.sqrt(1 / VALUE_AT_MARGIN - 1);
const GAUSSIAN_SCALE = Math.sqrt(-2 * Math.log(VALUE_AT_MARGIN));
const LINEAR_SCALE = 1 - VALUE_AT_MARGIN;

/**
 * 1 when `value` lies in [lower, upper]; outside, a sigmoid of the distance to the nearest bound
 * measured in margins, worth 0.1 at one margin. A margin of 0 makes it a step (0 outside).
 * long_tail: 1/(1 + (3d)²), never 0; gaussian: exp(−½(d·√(2 ln 10))²); linear: 1 − 0.9·d, 0 from
 * d = 1/0.9 on.
 */
export function tolerance(value: number, lower: number, upper: number, margin: number, sigmoid: ToleranceSigmoid): number {
  if (value >= lower && value <= upper) return 1;
  if (!(margin > 0)) return 0;
  const distance = (value < lower ? lower - value : value - upper) / margin;
  switch (sigmoid) {
    case "long_tail": {
      const scaled = distance * LONG_TAIL_SCALE;
      return 1 / (scaled * scaled + 1);
    }
    case "gaussian": {
      const scaled = distance * GAUSSIAN_SCALE;
      return Math.exp(-0.5 * scaled * scaled);
    }
    case "linear": {
      const scaled = distance * LINEAR_SCALE;
      return scaled < 1 ? 1 - scaled : 0;
    }
  }
}

/** The long-tail tolerance of a distance that should be at most `bound`: the most common term. */
export function longTailTolerance(distance: number, bound: number, margin: number): number {
  return tolerance(distance, 0, bound, margin, "long_tail");
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

/** The commanded gripper effort a[3] as the reference's rewards read it: clipped to [0, 1] (≤ 0 is "open"). */
export function closingEffort(gripperAction: number): number {
  return Math.min(Math.max(0, gripperAction), 1);
}
