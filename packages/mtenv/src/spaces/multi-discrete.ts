import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Space, type FlatArray, type SpaceJSON } from "./space.js";

/** A vector of independent discrete choices; element i is in [0, nvec[i]). Members are Int32Arrays. */
export class MultiDiscrete extends Space<Int32Array> {
  readonly nvec: readonly number[];

  constructor(nvec: readonly number[]) {
    super();
    if (nvec.length === 0 || nvec.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new InvalidSpaceError(`MultiDiscrete nvec must be a non-empty list of positive integers, got ${describeValue(nvec)}.`);
    }
    this.nvec = Object.freeze([...nvec]);
  }

  sample(): Int32Array {
    return Int32Array.from(this.nvec, (n) => this.rng.integers(0, n));
  }

  contains(value: unknown): value is Int32Array {
    return this.explainMismatch(value) === undefined;
  }

  explainMismatch(value: unknown): string | undefined {
    if (!(value instanceof Int32Array)) return `expected an Int32Array of length ${this.nvec.length}, got ${describeValue(value)}`;
    if (value.length !== this.nvec.length) return `expected length ${this.nvec.length}, got length ${value.length}`;
    for (let i = 0; i < value.length; i++) {
      if (value[i]! < 0 || value[i]! >= this.nvec[i]!) return `element ${i} = ${value[i]} is outside [0, ${this.nvec[i]! - 1}]`;
    }
    return undefined;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof MultiDiscrete && other.nvec.length === this.nvec.length && other.nvec.every((n, i) => n === this.nvec[i]);
  }

  toJSON(): SpaceJSON {
    return { type: "multi-discrete", nvec: [...this.nvec] };
  }

  get flatSize(): number {
    return this.nvec.length;
  }

  flattenInto(value: Int32Array, out: FlatArray, offset: number): void {
    for (let i = 0; i < value.length; i++) out[offset + i] = value[i]!;
  }

  unflatten(flat: FlatArray, offset: number): Int32Array {
    return Int32Array.from(flat.subarray(offset, offset + this.nvec.length));
  }
}
