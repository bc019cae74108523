import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Space, type FlatArray, type SpaceJSON } from "./space.js";

/** n independent bits. Members are Uint8Arrays of 0s and 1s. */
export class MultiBinary extends Space<Uint8Array> {
  constructor(readonly n: number) {
    super();
    if (!Number.isInteger(n) || n <= 0) throw new InvalidSpaceError(`MultiBinary n must be a positive integer, got n=${describeValue(n)}.`);
  }

  sample(): Uint8Array {
    return Uint8Array.from({ length: this.n }, () => this.rng.integers(0, 2));
  }

  contains(value: unknown): value is Uint8Array {
    return this.explainMismatch(value) === undefined;
  }

  explainMismatch(value: unknown): string | undefined {
    if (!(value instanceof Uint8Array)) return `expected a Uint8Array of length ${this.n}, got ${describeValue(value)}`;
    if (value.length !== this.n) return `expected length ${this.n}, got length ${value.length}`;
    const bad = value.findIndex((bit) => bit > 1);
    return bad >= 0 ? `element ${bad} = ${value[bad]} is not 0 or 1` : undefined;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof MultiBinary && other.n === this.n;
  }

  toJSON(): SpaceJSON {
    return { type: "multi-binary", n: this.n };
  }

  get flatSize(): number {
    return this.n;
  }

  flattenInto(value: Uint8Array, out: FlatArray, offset: number): void {
    for (let i = 0; i < this.n; i++) out[offset + i] = value[i]!;
  }

  unflatten(flat: FlatArray, offset: number): Uint8Array {
    return Uint8Array.from(flat.subarray(offset, offset + this.n));
  }
}
