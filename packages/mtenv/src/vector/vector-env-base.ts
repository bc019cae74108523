import { ClosedEnvironmentError, InvalidActionError, SpaceMismatchError, describeValue } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import type { Info, MTObs, MTObservationSpace } from "../core/types.js";
import { DictSpace } from "../spaces/dict.js";
import type { Space } from "../spaces/space.js";
import type { AutoresetMode } from "./autoreset-mode.js";
import { BatchedSpace } from "./batched-space.js";
import type { VectorBuffers } from "./buffers.js";
import { resolveResetMask, resolveResetSeeds } from "./seeding.js";
import type { BatchedObservationSpace, VectorEnv, VectorResetOptions, VectorResetResult, VectorStepResult } from "./types.js";

/**
 * What SyncVectorEnv and ParallelVectorEnv share: argument checking, seed derivation, the batched
 * spaces, and turning the buffers into results. Subclasses only move the work (in this thread, or
 * to worker threads writing the same buffers).
 */
export abstract class VectorEnvBase implements VectorEnv {
  readonly numEnvs: number;
  readonly observationSpace: BatchedObservationSpace;
  readonly actionSpace: BatchedSpace;
  private closed = false;

  protected constructor(
    readonly singleObservationSpace: MTObservationSpace<unknown, unknown>,
    readonly singleActionSpace: Space<unknown>,
    protected readonly buffers: VectorBuffers,
    readonly autoresetMode: AutoresetMode,
  ) {
    this.numEnvs = buffers.numEnvs;
    this.observationSpace = new DictSpace({
      envObs: new BatchedSpace(singleObservationSpace.spaces.envObs, this.numEnvs, singleObservationSpace.spaces.envObs.flatDtype),
      taskObs: new BatchedSpace(singleObservationSpace.spaces.taskObs, this.numEnvs),
    });
    this.actionSpace = new BatchedSpace(singleActionSpace, this.numEnvs);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  reset(options: VectorResetOptions = {}): VectorResetResult {
    this.assertOpen("reset");
    const seeds = resolveResetSeeds(options.seed, this.numEnvs);
    const mask = resolveResetMask(options.mask, this.numEnvs);
    // Seeding the batched action space too makes random warm-up actions reproducible.
    if (typeof options.seed === "number") this.actionSpace.seed(Rng.fromSeed(options.seed, "vector-action-space").nextUint32());
    const infos = this.resetEnvs(seeds, options.options, mask);
    return { envObs: this.buffers.envObs, taskObs: this.buffers.taskObs, infos };
  }

  step(actions: Float32Array): VectorStepResult {
    this.assertOpen("step");
    const expected = this.numEnvs * this.buffers.actionSize;
    if (!(actions instanceof Float32Array) || actions.length !== expected) {
      throw new InvalidActionError(
        `${this.constructor.name}: expected a Float32Array of ${this.numEnvs} envs × ${this.buffers.actionSize} = ${expected} action values, ` +
          `got ${describeValue(actions)}. Row i is env i's action flattened (a Discrete action is one number); see vectorEnv.actionSpace.sample().`,
      );
    }
    if (actions !== this.buffers.actions) this.buffers.actions.set(actions);
    const infos = this.stepEnvs();
    this.attachFinalObservations(infos);
    const { envObs, taskObs, rewards, terminated, truncated } = this.buffers;
    return { envObs, taskObs, rewards, terminated, truncated, infos };
  }

  call(method: string, ...args: unknown[]): unknown[] {
    this.assertOpen("call");
    return this.callEnvs(method, args);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closeEnvs();
  }

  /** The rows of `buffers.envObs`/`taskObs` of env `index`, as single-space members. */
  observationAt(index: number): MTObs<unknown, unknown> {
    return {
      envObs: this.singleObservationSpace.spaces.envObs.unflatten(this.buffers.envObs, index * this.buffers.envObsSize),
      taskObs: this.singleObservationSpace.spaces.taskObs.unflatten(this.buffers.taskObs, index * this.buffers.taskObsSize),
    };
  }

  protected abstract resetEnvs(seeds: readonly (number | undefined)[], options: Record<string, unknown> | undefined, mask: readonly boolean[]): Info[];
  protected abstract stepEnvs(): Info[];
  protected abstract callEnvs(method: string, args: readonly unknown[]): unknown[];
  protected abstract closeEnvs(): Promise<void>;

  protected assertOpen(method: string): void {
    if (this.closed) {
      throw new ClosedEnvironmentError(`${this.constructor.name}: ${method}() called after close(). Create a new vector env.`);
    }
  }

  /**
   * SameStep autoreset: the buffers hold the new episode's first observation, and the true last
   * one sits in the final* rows; expose it as `infos[i].finalObservation` so it is never lost.
   */
  private attachFinalObservations(infos: Info[]): void {
    const { buffers } = this;
    for (let i = 0; i < this.numEnvs; i++) {
      if (buffers.hasFinal[i] !== 1) continue;
      const info = infos[i] ?? {};
      info.finalObservation = {
        envObs: this.singleObservationSpace.spaces.envObs.unflatten(buffers.finalEnvObs, i * buffers.envObsSize),
        taskObs: this.singleObservationSpace.spaces.taskObs.unflatten(buffers.finalTaskObs, i * buffers.taskObsSize),
      };
      infos[i] = info;
    }
  }
}

/**
 * Throws a SpaceMismatchError unless every environment has the same spaces as the first: a batch
 * needs one layout. `describe(i)` names environment i in the message.
 */
export function assertSameSpaces(
  spaces: readonly { observation: Space<unknown>; action: Space<unknown> }[],
  describe: (index: number) => string,
): void {
  const first = spaces[0];
  if (first === undefined) return;
  spaces.forEach((current, i) => {
    for (const kind of ["observation", "action"] as const) {
      if (!current[kind].equals(first[kind])) {
        throw new SpaceMismatchError(
          `Every environment of a vector env needs the same ${kind} space. ${describe(0)} has ${first[kind].toString()}, ` +
            `but ${describe(i)} has ${current[kind].toString()}. Use kwargs that give equal spaces, or pad the observations in a wrapper.`,
        );
      }
    }
  });
}
