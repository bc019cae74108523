import type { AnyMTEnv, Info, MTObs } from "../core/types.js";
import type { Space } from "../spaces/space.js";
import { AutoresetMode } from "./autoreset-mode.js";
import type { VectorBuffers } from "./buffers.js";

/**
 * Steps a contiguous range of environments [start, start + envs.length) and writes their results
 * into the shared layout of VectorBuffers. The sync vector env runs one runner over all envs; the
 * parallel one runs one per worker thread. Keeping the autoreset logic in this single place is what
 * guarantees that both give the same results.
 */
export class EnvBatchRunner {
  private readonly autoresetPending: boolean[];
  private readonly envObsSpace: Space<unknown>;
  private readonly taskObsSpace: Space<unknown>;
  private readonly actionSpace: Space<unknown>;

  constructor(
    readonly envs: readonly AnyMTEnv[],
    /** Global index of envs[0]. */
    readonly start: number,
    private readonly buffers: VectorBuffers,
    readonly autoresetMode: AutoresetMode,
  ) {
    const first = envs[0];
    if (first === undefined) throw new RangeError("EnvBatchRunner needs at least one environment.");
    this.envObsSpace = first.observationSpace.spaces.envObs;
    this.taskObsSpace = first.observationSpace.spaces.taskObs;
    this.actionSpace = first.actionSpace;
    this.autoresetPending = envs.map(() => false);
  }

  /**
   * Resets the environments whose `mask` entry (global index) is true, seeding those with a seed.
   * Returns the reset infos of this runner's envs ({} for envs not reset).
   */
  reset(seeds: readonly (number | undefined)[], options: Record<string, unknown> | undefined, mask: readonly boolean[]): Info[] {
    const infos: Info[] = [];
    for (let local = 0; local < this.envs.length; local++) {
      const index = this.start + local;
      if (!mask[index]) {
        infos.push({});
        continue;
      }
      const seed = seeds[index];
      const resetOptions = { ...(seed === undefined ? {} : { seed }), ...(options === undefined ? {} : { options }) };
      const [observation, info] = guard(index, () => this.envs[local]!.reset(resetOptions));
      this.writeObservation(observation, index);
      this.buffers.rewards[index] = 0;
      this.buffers.terminated[index] = 0;
      this.buffers.truncated[index] = 0;
      this.buffers.hasFinal[index] = 0;
      this.autoresetPending[local] = false;
      infos.push(info);
    }
    return infos;
  }

  /** One step of every env with the actions in `buffers.actions`; returns their infos. */
  step(): Info[] {
    const { buffers } = this;
    const infos: Info[] = [];
    for (let local = 0; local < this.envs.length; local++) {
      const index = this.start + local;
      const env = this.envs[local]!;
      buffers.hasFinal[index] = 0;
      if (this.autoresetPending[local]) {
        // NextStep: this step only starts the new episode; the action is ignored.
        const [observation, info] = guard(index, () => env.reset());
        this.writeObservation(observation, index);
        buffers.rewards[index] = 0;
        buffers.terminated[index] = 0;
        buffers.truncated[index] = 0;
        this.autoresetPending[local] = false;
        infos.push(info);
        continue;
      }
      const action = this.actionSpace.unflatten(buffers.actions, index * buffers.actionSize);
      const [observation, reward, terminated, truncated, info] = guard(index, () => env.step(action));
      buffers.rewards[index] = reward;
      buffers.terminated[index] = terminated ? 1 : 0;
      buffers.truncated[index] = truncated ? 1 : 0;
      const ended = terminated || truncated;
      if (ended && this.autoresetMode === AutoresetMode.SameStep) {
        this.writeObservation(observation, index, true);
        buffers.hasFinal[index] = 1;
        const [resetObservation, resetInfo] = guard(index, () => env.reset());
        this.writeObservation(resetObservation, index);
        infos.push({ ...resetInfo, finalInfo: info });
        continue;
      }
      if (ended && this.autoresetMode === AutoresetMode.NextStep) this.autoresetPending[local] = true;
      this.writeObservation(observation, index);
      infos.push(info);
    }
    return infos;
  }

  /** `method(...args)` on each env of this runner, in order. */
  call(method: string, args: readonly unknown[]): unknown[] {
    return this.envs.map((env, local) =>
      guard(this.start + local, () => {
        const [owner, member] = findMethod(env, method);
        if (member === undefined) {
          throw new TypeError(`Environment has no method "${method}" (vector env call()). Check the spelling, e.g. "getTaskState".`);
        }
        return member.apply(owner, [...args]);
      }),
    );
  }

  close(): void {
    for (const env of this.envs) env.close();
  }

  private writeObservation(observation: MTObs<unknown, unknown>, index: number, final = false): void {
    const { buffers } = this;
    this.envObsSpace.flattenInto(observation.envObs, final ? buffers.finalEnvObs : buffers.envObs, index * buffers.envObsSize);
    this.taskObsSpace.flattenInto(observation.taskObs, final ? buffers.finalTaskObs : buffers.taskObs, index * buffers.taskObsSize);
  }
}

/**
 * `method` on `env` or, like Gymnasium's attribute forwarding, on the nearest wrapped env that has
 * it (TimeLimit and other wrappers do not repeat their inner env's extra methods).
 */
function findMethod(env: unknown, method: string): [unknown, ((...args: unknown[]) => unknown) | undefined] {
  let current = env;
  for (let depth = 0; depth < 64 && typeof current === "object" && current !== null; depth++) {
    const member = (current as Record<string, unknown>)[method];
    if (typeof member === "function") return [current, member as (...args: unknown[]) => unknown];
    current = (current as { env?: unknown }).env;
  }
  return [env, undefined];
}

/**
 * Runs `body` and tags any error with the environment that raised it. The message and class are
 * kept, so a worker can report the original typed error.
 */
function guard<T>(index: number, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw withEnvIndex(error, index);
  }
}

/** The vector-env context appended to an environment's error message. */
export function withEnvIndex(error: unknown, index: number): unknown {
  if (error instanceof Error && (error as { envIndex?: number }).envIndex === undefined) {
    error.message = `${error.message} [vector env: environment ${index}]`;
    (error as { envIndex?: number }).envIndex = index;
  }
  return error;
}
