import { Rng } from "../core/rng.js";

/** Element type of a Box's members: float32 (Float32Array) or uint8 (Uint8Array, e.g. pixels 0–255). */
export type BoxDtype = "float32" | "uint8";

/**
 * The array a space is flattened into (vector-env buffers, replay rows): Float32Array, or a
 * Uint8Array for spaces whose every slot is a byte (`flatDtype` "uint8").
 */
export type FlatArray = Float32Array | Uint8Array;

/** JSON form of every space; `spaceFromJSON` turns it back into a space. */
export type SpaceJSON =
  | { type: "box"; shape: number[]; low: Array<number | string>; high: Array<number | string>; dtype?: BoxDtype }
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

  /**
   * The element type that holds every flat slot exactly: "uint8" only when every slot is a byte
   * (a uint8 Box, or a Dict of them), so vector envs can keep such observations as bytes.
   */
  get flatDtype(): BoxDtype {
    return "float32";
  }

  /** Writes `value` flat into `out` at `offset` (Discrete → one slot, Dict → keys in order). */
  abstract flattenInto(value: T, out: FlatArray, offset: number): void;

  /** Reads a flat member back (the inverse of flattenInto). */
  abstract unflatten(flat: FlatArray, offset: number): T;

  /** Why `value` is not a member, or undefined when it is. Used by error messages. */
  abstract explainMismatch(value: unknown): string | undefined;

  toString(): string {
    return JSON.stringify(this.toJSON());
  }
}
