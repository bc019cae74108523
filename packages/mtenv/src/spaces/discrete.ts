import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Space, type FlatArray, type SpaceJSON } from "./space.js";

/** The integers start, start+1, ..., start+n-1. Members are plain numbers. */
export class Discrete extends Space<number> {
  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    super();
    if (!Number.isInteger(n) || n <= 0) throw new InvalidSpaceError(`Discrete n must be a positive integer, got n=${describeValue(n)}.`);
    if (!Number.isInteger(start)) throw new InvalidSpaceError(`Discrete start must be an integer, got start=${describeValue(start)}.`);
  }

  sample(): number {
    return this.rng.integers(this.start, this.start + this.n);
  }

  contains(value: unknown): value is number {
    return this.explainMismatch(value) === undefined;
  }

  explainMismatch(value: unknown): string | undefined {
    if (typeof value !== "number" || !Number.isInteger(value)) return `expected an integer, got ${describeValue(value)}`;
    if (value < this.start || value >= this.start + this.n) {
      return `expected an integer in [${this.start}, ${this.start + this.n - 1}], got ${value}`;
    }
    return undefined;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Discrete && other.n === this.n && other.start === this.start;
  }

  toJSON(): SpaceJSON {
    return { type: "discrete", n: this.n, start: this.start };
  }

  get flatSize(): number {
    return 1;
  }

  flattenInto(value: number, out: FlatArray, offset: number): void {
    out[offset] = value;
  }

  unflatten(flat: FlatArray, offset: number): number {
    return flat[offset]!;
  }
}
