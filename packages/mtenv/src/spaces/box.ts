import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Space, type SpaceJSON } from "./space.js";

export interface BoxOptions {
  /** Defaults to the length of `low` when it is an array, else required. */
  shape?: readonly number[];
}

/**
 * A box in R^n: every element between its own low and high bound (bounds may be ±Infinity).
 * Members are Float32Arrays of `size` elements laid out row-major for `shape`.
 */
export class Box extends Space<Float32Array> {
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly size: number;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, options: BoxOptions = {}) {
    super();
    const shape = options.shape ?? inferShape(low, high);
    if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new InvalidSpaceError(`Box shape must be a non-empty list of positive integers, got shape=${describeValue(shape)}.`);
    }
    this.shape = Object.freeze([...shape]);
    this.size = shape.reduce((a, b) => a * b, 1);
    this.low = broadcastBound(low, this.size, "low");
    this.high = broadcastBound(high, this.size, "high");
    for (let i = 0; i < this.size; i++) {
      if (!(this.low[i]! <= this.high[i]!)) {
        throw new InvalidSpaceError(
          `Box low must be <= high everywhere, but at index ${i} low=${this.low[i]} and high=${this.high[i]}. Swap or fix the bounds.`,
        );
      }
    }
  }

  isBounded(): boolean {
    return this.low.every(Number.isFinite) && this.high.every(Number.isFinite);
  }

  sample(): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const low = this.low[i]!;
      const high = this.high[i]!;
      const lowFinite = Number.isFinite(low);
      const highFinite = Number.isFinite(high);
      if (lowFinite && highFinite) out[i] = this.rng.uniform(low, high);
      else if (lowFinite) out[i] = low + -Math.log(1 - this.rng.uniform());
      else if (highFinite) out[i] = high - -Math.log(1 - this.rng.uniform());
      else out[i] = this.rng.normal();
      // Rounding to float32 can step just outside a bound.
      out[i] = Math.min(Math.max(out[i]!, low), high);
    }
    return out;
  }

  contains(value: unknown): value is Float32Array {
    return this.explainMismatch(value) === undefined;
  }

  explainMismatch(value: unknown): string | undefined {
    if (!(value instanceof Float32Array)) {
      return `expected a Float32Array of length ${this.size}, got ${describeValue(value)}`;
    }
    if (value.length !== this.size) return `expected length ${this.size} (shape [${this.shape.join(", ")}]), got length ${value.length}`;
    for (let i = 0; i < this.size; i++) {
      const x = value[i]!;
      if (Number.isNaN(x)) return `element ${i} is NaN`;
      if (x < this.low[i]! || x > this.high[i]!) return `element ${i} = ${x} is outside [${this.low[i]}, ${this.high[i]}]`;
    }
    return undefined;
  }

  equals(other: Space<unknown>): boolean {
    return (
      other instanceof Box &&
      other.shape.length === this.shape.length &&
      other.shape.every((d, i) => d === this.shape[i]) &&
      other.low.every((v, i) => Object.is(v, this.low[i])) &&
      other.high.every((v, i) => Object.is(v, this.high[i]))
    );
  }

  toJSON(): SpaceJSON {
    return { type: "box", shape: [...this.shape], low: Array.from(this.low, encodeNumber), high: Array.from(this.high, encodeNumber) };
  }

  get flatSize(): number {
    return this.size;
  }

  flattenInto(value: Float32Array, out: Float32Array, offset: number): void {
    out.set(value, offset);
  }

  unflatten(flat: Float32Array, offset: number): Float32Array {
    return flat.slice(offset, offset + this.size);
  }

  /** Clips into the bounds (returns a new array). */
  clip(value: Float32Array): Float32Array {
    const out = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = Math.min(Math.max(value[i]!, this.low[i]!), this.high[i]!);
    return out;
  }
}

function inferShape(low: number | ArrayLike<number>, high: number | ArrayLike<number>): number[] {
  if (typeof low !== "number") return [low.length];
  if (typeof high !== "number") return [high.length];
  throw new InvalidSpaceError("Box with scalar low and high needs options.shape, e.g. new Box(-1, 1, { shape: [3] }).");
}

function broadcastBound(bound: number | ArrayLike<number>, size: number, name: string): Float32Array {
  if (typeof bound === "number") {
    if (Number.isNaN(bound)) throw new InvalidSpaceError(`Box ${name} must not be NaN.`);
    return new Float32Array(size).fill(bound);
  }
  if (bound.length !== size) {
    throw new InvalidSpaceError(`Box ${name} must have ${size} elements to match the shape, got ${bound.length}.`);
  }
  const out = Float32Array.from(bound);
  const nanAt = out.findIndex(Number.isNaN);
  if (nanAt >= 0) throw new InvalidSpaceError(`Box ${name} must not contain NaN (index ${nanAt}).`);
  return out;
}

function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : value > 0 ? "inf" : "-inf";
}

export function decodeNumber(value: number | string): number {
  if (typeof value === "number") return value;
  if (value === "inf") return Infinity;
  if (value === "-inf") return -Infinity;
  throw new InvalidSpaceError(`Expected a number, "inf" or "-inf" in a Box bound, got ${JSON.stringify(value)}.`);
}
