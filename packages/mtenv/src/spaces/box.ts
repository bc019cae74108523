import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Space, type BoxDtype, type FlatArray, type SpaceJSON } from "./space.js";

/** The member array of a Box of dtype D. */
export type BoxArray<D extends BoxDtype> = D extends "uint8" ? Uint8Array : Float32Array;

export interface BoxOptions<D extends BoxDtype = "float32"> {
  /** Defaults to the length of `low` when it is an array, else required. */
  shape?: readonly number[];
  /**
   * "float32" (default): members are Float32Arrays. "uint8": members are Uint8Arrays of integers
   * within the bounds, which must then be integers in [0, 255] — pixels, stored at a quarter of the
   * float size by vector envs and replay buffers.
   */
  dtype?: D;
}

const DTYPES: readonly BoxDtype[] = ["float32", "uint8"];

/**
 * A box in R^n: every element between its own low and high bound (bounds may be ±Infinity for
 * float32). Members are typed arrays (Float32Array, or Uint8Array for dtype "uint8") of `size`
 * elements laid out row-major for `shape`.
 */
export class Box<D extends BoxDtype = "float32"> extends Space<BoxArray<D>> {
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
  readonly size: number;
  readonly dtype: D;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, options: BoxOptions<D> = {}) {
    super();
    const shape = options.shape ?? inferShape(low, high);
    if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new InvalidSpaceError(`Box shape must be a non-empty list of positive integers, got shape=${describeValue(shape)}.`);
    }
    const dtype = options.dtype ?? ("float32" as D);
    if (!DTYPES.includes(dtype)) {
      throw new InvalidSpaceError(`Box dtype must be "float32" or "uint8", got dtype=${describeValue(dtype)}.`);
    }
    this.dtype = dtype;
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
    if (dtype === "uint8") {
      const badAt = this.low.findIndex((value, i) => !isByte(value) || !isByte(this.high[i]!));
      if (badAt >= 0) {
        throw new InvalidSpaceError(
          `A uint8 Box needs integer bounds in [0, 255], but at index ${badAt} low=${this.low[badAt]} and high=${this.high[badAt]}. ` +
            `Use e.g. new Box(0, 255, { shape, dtype: "uint8" }), or dtype "float32" for other ranges.`,
        );
      }
    }
  }

  isBounded(): boolean {
    return this.low.every(Number.isFinite) && this.high.every(Number.isFinite);
  }

  override get flatDtype(): BoxDtype {
    return this.dtype;
  }

  sample(): BoxArray<D> {
    if (this.dtype === "uint8") {
      const bytes = new Uint8Array(this.size);
      for (let i = 0; i < this.size; i++) bytes[i] = this.rng.integers(this.low[i]!, this.high[i]! + 1);
      return bytes as BoxArray<D>;
    }
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
    return out as BoxArray<D>;
  }

  contains(value: unknown): value is BoxArray<D> {
    return this.explainMismatch(value) === undefined;
  }

  explainMismatch(value: unknown): string | undefined {
    const arrayType = this.dtype === "uint8" ? Uint8Array : Float32Array;
    if (!(value instanceof arrayType)) {
      return `expected a ${arrayType.name} of length ${this.size} (dtype ${this.dtype}), got ${describeValue(value)}`;
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
      other.dtype === this.dtype &&
      other.shape.length === this.shape.length &&
      other.shape.every((d, i) => d === this.shape[i]) &&
      other.low.every((v, i) => Object.is(v, this.low[i])) &&
      other.high.every((v, i) => Object.is(v, this.high[i]))
    );
  }

  toJSON(): SpaceJSON {
    const json: SpaceJSON = { type: "box", shape: [...this.shape], low: Array.from(this.low, encodeNumber), high: Array.from(this.high, encodeNumber) };
    // float32 boxes keep the JSON they always had.
    return this.dtype === "float32" ? json : { ...json, dtype: this.dtype };
  }

  get flatSize(): number {
    return this.size;
  }

  /** Copies the elements (bytes become their float values in a Float32Array; a uint8 target takes them as they are). */
  flattenInto(value: BoxArray<D>, out: FlatArray, offset: number): void {
    out.set(value, offset);
  }

  unflatten(flat: FlatArray, offset: number): BoxArray<D> {
    const slots = flat.subarray(offset, offset + this.size);
    return (this.dtype === "uint8" ? Uint8Array.from(slots) : Float32Array.from(slots)) as BoxArray<D>;
  }

  /** Clips into the bounds (returns a new array of the Box's dtype). */
  clip(value: ArrayLike<number>): BoxArray<D> {
    const out = this.dtype === "uint8" ? new Uint8Array(this.size) : new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = Math.min(Math.max(value[i]!, this.low[i]!), this.high[i]!);
    return out as BoxArray<D>;
  }
}

function isByte(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 255;
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
