export { Rng, assertValidSeed, type RngState } from "./rng.js";
export { MTError, ConfigError, SeedError, describeValue, closestNames, didYouMean } from "./errors.js";
