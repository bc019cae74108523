import { ConfigError, describeValue } from "../core/errors.js";
import { assertValidSeed } from "../core/rng.js";

/**
 * The seed of environment `index` when the vector env is reset with one `seed`: seed + index
 * (mod 2^32), Gymnasium's rule. Environment streams hash their seed (Rng.fromSeed), so adjacent
 * seeds still give independent streams, and env i can be reproduced alone with `seed + i`.
 */
export function deriveEnvSeed(seed: number, index: number): number {
  assertValidSeed(seed);
  return (seed + index) >>> 0;
}

/** Per-environment seeds for `reset({ seed })`: undefined entries mean "do not reseed". */
export function resolveResetSeeds(seed: number | readonly number[] | undefined, numEnvs: number): (number | undefined)[] {
  if (seed === undefined) return new Array<undefined>(numEnvs).fill(undefined);
  if (typeof seed === "number") return Array.from({ length: numEnvs }, (_, i) => deriveEnvSeed(seed, i));
  if (!Array.isArray(seed) || seed.length !== numEnvs) {
    throw new ConfigError(
      `reset({ seed }) expects one number or an array of ${numEnvs} seeds (one per environment), got ${describeValue(seed)}.`,
    );
  }
  return seed.map((s, i) => {
    assertValidSeed(s, `seed[${i}]`);
    return s;
  });
}

/** Which environments `reset({ mask })` resets: all of them without a mask. */
export function resolveResetMask(mask: ArrayLike<boolean | number> | undefined, numEnvs: number): boolean[] {
  if (mask === undefined) return new Array<boolean>(numEnvs).fill(true);
  if (mask.length !== numEnvs) {
    throw new ConfigError(`reset({ mask }) expects ${numEnvs} entries (one per environment), got ${mask.length}.`);
  }
  return Array.from(mask, Boolean);
}
