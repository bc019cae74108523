/**
 * Records what a vector env returns over a seeded random rollout, so that tests can compare two
 * vector envs (sync and parallel) bit for bit. Test-only; not exported from the package.
 */
import { Rng } from "../core/rng.js";
import type { VectorEnv } from "../vector/types.js";

export interface RecordedRollout {
  /** Every envObs/taskObs/reward buffer, copied, as raw bytes (so NaN and -0 compare exactly). */
  readonly envObs: Uint8Array[];
  readonly taskObs: Uint8Array[];
  readonly rewards: Uint8Array[];
  readonly terminated: Uint8Array[];
  readonly truncated: Uint8Array[];
  /** JSON of the infos (finalObservation typed arrays become index-keyed objects). */
  readonly infos: string[];
  /** Episodes that ended, summed over envs. */
  readonly episodesEnded: number;
}

/** Resets with `seed`, then steps `steps` times with actions sampled from a stream of `seed`. */
export function recordRollout(env: VectorEnv, seed: number, steps: number): RecordedRollout {
  const rollout = { envObs: [], taskObs: [], rewards: [], terminated: [], truncated: [], infos: [], episodesEnded: 0 } as {
    -readonly [K in keyof RecordedRollout]: RecordedRollout[K];
  };
  const bytes = (array: Float32Array | Float64Array | Uint8Array): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice();
  const first = env.reset({ seed });
  rollout.envObs.push(bytes(first.envObs));
  rollout.taskObs.push(bytes(first.taskObs));
  rollout.infos.push(JSON.stringify(first.infos));
  // Independent of the env's own streams, so both envs under comparison get the same actions.
  env.actionSpace.seed(Rng.fromSeed(seed, "test-rollout").nextUint32());
  for (let step = 0; step < steps; step++) {
    const result = env.step(env.actionSpace.sample());
    rollout.envObs.push(bytes(result.envObs));
    rollout.taskObs.push(bytes(result.taskObs));
    rollout.rewards.push(bytes(result.rewards));
    rollout.terminated.push(result.terminated.slice());
    rollout.truncated.push(result.truncated.slice());
    rollout.infos.push(JSON.stringify(result.infos));
    for (let i = 0; i < env.numEnvs; i++) rollout.episodesEnded += result.terminated[i]! | result.truncated[i]!;
  }
  return rollout;
}
