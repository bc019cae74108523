/**
 * The seeded random streams live in @mtrl/core (the engine, @mtrl/nn, draws from them too);
 * re-exported here so `import { Rng } from "@mtrl/mtenv"` and "@mtrl/mtenv/rng" keep working.
 */
export { Rng, assertValidSeed, type RngState } from "@mtrl/core/rng";
