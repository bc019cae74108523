import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";
import { SeedError } from "./errors.js";

/** Serializable state of an Rng: enough to continue the exact same stream after a restart. */
export interface RngState {
  readonly key: number;
  readonly generator: readonly number[];
}

const TWO_POW_32 = 4294967296;

/** Throws a SeedError unless `seed` is an integer in [0, 2^32). */
export function assertValidSeed(seed: unknown, what = "seed"): asserts seed is number {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    throw new SeedError(
      `Expected ${what} to be an integer in [0, 2^32), got ${String(seed)}. Pass a non-negative whole number such as 0 or 42.`,
    );
  }
}

/**
 * The one source of randomness in the project (no Math.random anywhere).
 *
 * An Rng is a xoroshiro128+ stream identified by a 32-bit key. `Rng.fromSeed(seed, name)` and
 * `rng.stream(name)` derive independent, named streams by hashing (key, name), so adding a new
 * consumer of randomness never shifts the draws of the existing ones — which is what keeps runs
 * bit-identical as the code grows.
 */
export class Rng {
  private generator: JumpableRandomGenerator;
  private constructor(
    /** Hash of the seed and stream path; children derive from it. */
    readonly key: number,
    generator: JumpableRandomGenerator,
  ) {
    this.generator = generator;
  }

  /** A stream for `seed`; different `name`s give independent streams from the same seed. */
  static fromSeed(seed: number, name = "default"): Rng {
    assertValidSeed(seed);
    const key = hashName(mix32(seed ^ 0x9e3779b9), name);
    return new Rng(key, xoroshiro128plus(key | 0));
  }

  /** Restores a stream saved with `getState()`. */
  static fromState(state: RngState): Rng {
    if (!Array.isArray(state.generator) || state.generator.length !== 4 || typeof state.key !== "number") {
      throw new SeedError(
        `Expected an RngState {key: number, generator: number[4]}, got ${JSON.stringify(state)}. Use the object returned by rng.getState().`,
      );
    }
    return new Rng(state.key, xoroshiro128plusFromState(state.generator));
  }

  /** An independent child stream; does not consume draws from this stream. */
  stream(name: string): Rng {
    const key = hashName(this.key, name);
    return new Rng(key, xoroshiro128plus(key | 0));
  }

  getState(): RngState {
    return { key: this.key, generator: [...this.generator.getState()] };
  }

  setState(state: RngState): void {
    const restored = Rng.fromState(state);
    (this as { key: number }).key = restored.key;
    this.generator = restored.generator;
  }

  /** Raw 32 unsigned random bits. */
  nextUint32(): number {
    return this.generator.next() >>> 0;
  }

  /** Uniform float64 in [low, high) with 53 random bits. */
  uniform(low = 0, high = 1): number {
    const hi = this.generator.next() >>> 5; // 27 bits
    const lo = this.generator.next() >>> 6; // 26 bits
    const unit = (hi * 67108864 + lo) / 9007199254740992;
    return low + (high - low) * unit;
  }

  /** Normal draw by Box–Muller (no cached spare, so the state is just the generator). */
  normal(mean = 0, std = 1): number {
    let u1 = this.uniform();
    while (u1 <= 0) u1 = this.uniform();
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [low, high) — numpy's `integers` convention (high exclusive). */
  integers(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new RangeError(`Expected integers low < high, got low=${low}, high=${high}.`);
    }
    const range = high - low;
    if (range <= TWO_POW_32) {
      // Rejection sampling removes the modulo bias.
      const limit = TWO_POW_32 - (TWO_POW_32 % range);
      let draw = this.nextUint32();
      while (draw >= limit) draw = this.nextUint32();
      return low + (draw % range);
    }
    return low + Math.floor(this.uniform() * range);
  }

  /** One element of `items`, uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Expected a non-empty array for choice(), got an empty one.");
    return items[this.integers(0, items.length)]!;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.integers(0, i + 1);
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
    }
    return order;
  }

  /** Fills `out` with uniform draws in [low, high). */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Fills `out` with normal draws. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }
}

/** A 32-bit finalizer (from MurmurHash3) that spreads nearby seeds far apart. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashName(key: number, name: string): number {
  let h = key >>> 0;
  for (let i = 0; i < name.length; i++) h = mix32(h ^ name.charCodeAt(i)) + 0x632be5ab;
  return mix32(h ^ name.length);
}
