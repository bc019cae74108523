import { ConfigError, describeValue } from "@mtrl/core";
import { fnv1a32 } from "./fnv1a.js";

/** Width of the feature vectors when the caller does not choose one. */
export const DEFAULT_TEXT_FEATURE_DIMENSION = 256;

/** Character n-gram lengths taken from each space-padded word. */
const CHARACTER_GRAM_LENGTHS = [3, 4, 5] as const;

/**
 * A word: letters and digits, with inner dots and apostrophes kept so that "1.20" and "alcove's"
 * stay whole. Hyphens, slashes and other punctuation separate words.
 */
const WORD = /[\p{L}\p{N}]+(?:['.][\p{L}\p{N}]+)*/gu;

/** The high bit of the hash gives the sign; the other 31 bits give the bucket. */
const SIGN_BIT = 0x80000000;
const BUCKET_BITS = 0x7fffffff;

export interface TextFeatureOptions {
  /** Number of hash buckets, i.e. the length of each vector (default 256). */
  dimension?: number;
}

/**
 * One fixed vector per task description, for task encoders that read task metadata (CARE). The
 * reference embeds descriptions with a pretrained sentence model (768-d RoBERTa); no model can
 * be downloaded at run time here, so the descriptions of the run's own tasks are the corpus:
 * each vector is a hashed TF-IDF of the description's lower-cased words, word bigrams and
 * character 3- to 5-grams of the space-padded words. The character grams make related words
 * ("open"/"opening", "0.80"/"0.85") share features; the IDF over the run's descriptions
 * down-weights what every task says alike, so the vectors differ where the tasks do.
 *
 * Each feature is hashed with 32-bit FNV-1a into `dimension` buckets with a sign taken from
 * another bit of the hash, so colliding features cancel on average instead of piling up. IDF is
 * the smooth log((1 + n) / (1 + df)) + 1 over the n descriptions; each vector is L2-normalised
 * (a description without any word gives the zero vector).
 *
 * Deterministic: the same descriptions give bit-identical vectors in every run, in every order
 * of the features (they are summed in sorted order) — only the set of descriptions matters,
 * through the IDF, so add or drop a task and the other tasks' vectors change slightly.
 */
export function textFeatureVectors(descriptions: readonly string[], options: TextFeatureOptions = {}): Float32Array[] {
  const dimension = options.dimension ?? DEFAULT_TEXT_FEATURE_DIMENSION;
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new ConfigError(`textFeatureVectors: dimension must be a positive integer (default ${DEFAULT_TEXT_FEATURE_DIMENSION}), got ${describeValue(dimension)}.`);
  }
  descriptions.forEach((description, index) => {
    if (typeof description !== "string") {
      throw new ConfigError(`textFeatureVectors: description ${index} must be a string, got ${describeValue(description)}. Pass one sentence per task.`);
    }
  });

  const termCounts = descriptions.map(countFeatures);
  const documentFrequency = new Map<string, number>();
  for (const counts of termCounts) {
    for (const feature of counts.keys()) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
  }
  const n = descriptions.length;
  return termCounts.map((counts) => {
    const sums = new Float64Array(dimension);
    // Sorted, so the floating-point sum in each bucket never depends on insertion order.
    for (const feature of [...counts.keys()].sort()) {
      const inverseDocumentFrequency = Math.log((1 + n) / (1 + documentFrequency.get(feature)!)) + 1;
      const hash = fnv1a32(feature);
      const sign = (hash & SIGN_BIT) !== 0 ? -1 : 1;
      const bucket = (hash & BUCKET_BITS) % dimension;
      sums[bucket] = sums[bucket]! + sign * counts.get(feature)! * inverseDocumentFrequency;
    }
    return normalised(sums);
  });
}

/**
 * How often each feature occurs in `description`. Features carry a prefix naming their kind
 * ("w:" word, "b:" bigram, "c:" character gram), so the word "run" and the gram "run" are
 * different features.
 */
function countFeatures(description: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  };
  const words = description.toLowerCase().match(WORD) ?? [];
  words.forEach((word, index) => {
    add(`w:${word}`);
    if (index > 0) add(`b:${words[index - 1]} ${word}`);
    // Code points, not UTF-16 units, so a gram never splits a character.
    const padded = Array.from(` ${word} `);
    for (const length of CHARACTER_GRAM_LENGTHS) {
      for (let start = 0; start + length <= padded.length; start++) add(`c:${padded.slice(start, start + length).join("")}`);
    }
  });
  return counts;
}

/** `values` scaled to unit L2 norm, as float32; all zeros stay zeros. */
function normalised(values: Float64Array): Float32Array {
  let squares = 0;
  for (const value of values) squares += value * value;
  const out = new Float32Array(values.length);
  if (squares === 0) return out;
  const scale = 1 / Math.sqrt(squares);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * scale;
  return out;
}
