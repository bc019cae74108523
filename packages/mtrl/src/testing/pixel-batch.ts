import { Rng } from "@mtrl/mtenv";
import type { ReplayBatch } from "../replay/replay-buffer.js";

/** A two-task, one-action agent on 6-channel 12×12 images: small enough that pixel-agent unit tests run in seconds. */
export const pixelDimensions = { observationSize: 6 * 12 * 12, actionSize: 1, numTasks: 2, observationShape: [6, 12, 12] as const };

/**
 * A replay batch of `size` random frames (whole byte values, as the replay stores them), random
 * actions and rewards, no episode ends, tasks alternating. Drawn from a fixed seed, so every call
 * with the same size gives the same batch.
 */
export function pixelBatch(size: number): ReplayBatch {
  const rng = Rng.fromSeed(3, "pixels");
  const bytes = (count: number): Float32Array => Float32Array.from({ length: count }, () => rng.integers(0, 256));
  return {
    size,
    observations: bytes(size * pixelDimensions.observationSize),
    actions: rng.fillUniform(new Float32Array(size), -1, 1),
    rewards: rng.fillUniform(new Float32Array(size), 0, 1),
    nextObservations: bytes(size * pixelDimensions.observationSize),
    notDones: new Float32Array(size).fill(1),
    taskIndices: Int32Array.from({ length: size }, (_, i) => i % 2),
  };
}
