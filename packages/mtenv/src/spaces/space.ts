import { Rng } from "../core/rng.js";

/** JSON form of every space; `spaceFromJSON` turns it back into a space. */
export type SpaceJSON =
  | { type: "box"; shape: number[]; low: Array<number | string>; high: Array<number | string> }
  | { type: "discrete"; n: number; start: number }
  | { type: "multi-discrete"; nvec: number[] }
  | { type: "multi-binary"; n: number }
  | { type: "dict"; spaces: Record<string, SpaceJSON> };

/**
 * A set of values with a seeded sampler, as in Gymnasium: spaces own `sample`, `contains` and
 * `seed`, validate their constructor arguments eagerly, compare with `equals`, and round-trip
 * through JSON.
 */
export abstract class Space<T> {
  /** Spaces are usable without an explicit seed (seed 0) so that `sample()` is always reproducible. */
  protected rng: Rng = Rng.fromSeed(0, "space");

  /** Reseeds the sampler; subspaces of a Dict get derived streams. */
  seed(seed: number): void {
    this.rng = Rng.fromSeed(seed, "space");
  }

  /** A uniformly random member (for unbounded Box dimensions: a normal or exponential draw). */
  abstract sample(): T;

  /** Whether `value` is a member; never throws. */
  abstract contains(value: unknown): value is T;

  /** Same kind and same parameters. */
  abstract equals(other: Space<unknown>): boolean;

  abstract toJSON(): SpaceJSON;

  /** Number of float slots needed to store one member flat (vector envs, replay buffers). */
  abstract get flatSize(): number;

  /** Writes `value` flat into `out` at `offset` (Discrete → one slot, Dict → keys in order). */
  abstract flattenInto(value: T, out: Float32Array, offset: number): void;

  /** Reads a flat member back (the inverse of flattenInto). */
  abstract unflatten(flat: Float32Array, offset: number): T;

  /** Why `value` is not a member, or undefined when it is. Used by error messages. */
  abstract explainMismatch(value: unknown): string | undefined;

  toString(): string {
    return JSON.stringify(this.toJSON());
  }
}
