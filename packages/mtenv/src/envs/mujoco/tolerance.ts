/** Shapes of the fall-off outside the bounds (DeepMind Control's `rewards.tolerance`). */
export type ToleranceSigmoid = "gaussian" | "linear" | "quadratic";

export interface ToleranceOptions {
  /** [lower, upper]; either may be ±Infinity. Default [0, 0]. */
  bounds?: readonly [number, number];
  /** Distance over which the value falls from 1 to `valueAtMargin`; 0 means a hard 0 outside. */
  margin?: number;
  sigmoid?: ToleranceSigmoid;
  /** The value at exactly `margin` outside the bounds. Default 0.1. */
  valueAtMargin?: number;
}

/**
 * 1 inside the bounds, and a smooth fall-off outside that reaches `valueAtMargin` at distance
 * `margin`. The shaping of every DMC-style reward here, so each reward lies in [0, 1].
 */
export function tolerance(x: number, options: ToleranceOptions = {}): number {
  const [lower, upper] = options.bounds ?? [0, 0];
  const margin = options.margin ?? 0;
  const sigmoid = options.sigmoid ?? "gaussian";
  const valueAtMargin = options.valueAtMargin ?? 0.1;
  if (lower > upper) throw new RangeError(`tolerance bounds must satisfy lower <= upper, got [${lower}, ${upper}].`);
  if (margin < 0) throw new RangeError(`tolerance margin must be >= 0, got ${margin}.`);
  if (x >= lower && x <= upper) return 1;
  if (margin === 0) return 0;
  const distance = (x < lower ? lower - x : x - upper) / margin;
  switch (sigmoid) {
    case "gaussian": {
      const scale = Math.sqrt(-2 * Math.log(valueAtMargin));
      return Math.exp(-0.5 * (distance * scale) ** 2);
    }
    case "linear": {
      const scaled = distance * (1 - valueAtMargin);
      return scaled < 1 ? 1 - scaled : 0;
    }
    case "quadratic": {
      const scaled = distance * Math.sqrt(1 - valueAtMargin);
      return scaled < 1 ? 1 - scaled * scaled : 0;
    }
  }
}
