import { ConfigError } from "../core/errors.js";
import type { AnyMTEnv, Info } from "../core/types.js";
import { checkAutoresetMode } from "./autoreset-mode.js";
import { allocateBuffers } from "./buffers.js";
import { buildEnv } from "./build-env.js";
import { cloneAcrossThreads } from "./clone.js";
import { EnvBatchRunner } from "./env-batch-runner.js";
import type { VectorEnvOptions, VectorEnvSpec } from "./types.js";
import { VectorEnvBase, assertSameSpaces } from "./vector-env-base.js";

/** An environment for a vector env: a serialisable spec, or (sync only) a factory. */
export type EnvSource = VectorEnvSpec | (() => AnyMTEnv);

/**
 * Steps its environments one after another in this thread. The reference the parallel vector env
 * is tested against, and the faster choice when one step costs less than a thread hand-off.
 */
export class SyncVectorEnv extends VectorEnvBase {
  private readonly runner: EnvBatchRunner;

  constructor(sources: readonly EnvSource[], options: VectorEnvOptions = {}) {
    const autoresetMode = checkAutoresetMode(options.autoresetMode);
    if (sources.length === 0) throw new ConfigError("SyncVectorEnv needs at least one environment, got an empty list.");
    const envs: AnyMTEnv[] = [];
    try {
      for (const source of sources) envs.push(typeof source === "function" ? source() : buildEnv(source));
      assertSameSpaces(
        envs.map((env) => ({ observation: env.observationSpace, action: env.actionSpace })),
        (i) => `environment ${i}`,
      );
    } catch (error) {
      for (const env of envs) env.close();
      throw error;
    }
    const first = envs[0]!;
    const buffers = allocateBuffers(
      {
        numEnvs: envs.length,
        envObsSize: first.observationSpace.spaces.envObs.flatSize,
        envObsDtype: first.observationSpace.spaces.envObs.flatDtype,
        taskObsSize: first.observationSpace.spaces.taskObs.flatSize,
        actionSize: first.actionSpace.flatSize,
      },
      false,
    );
    super(first.observationSpace, first.actionSpace, buffers, autoresetMode);
    this.runner = new EnvBatchRunner(envs, 0, buffers, autoresetMode);
  }

  /** The environments themselves (same thread), e.g. to inspect one. */
  get envs(): readonly AnyMTEnv[] {
    return this.runner.envs;
  }

  protected resetEnvs(seeds: readonly (number | undefined)[], options: Record<string, unknown> | undefined, mask: readonly boolean[]): Info[] {
    return this.runner.reset(seeds, options, mask);
  }

  protected stepEnvs(): Info[] {
    return this.runner.step();
  }

  protected callEnvs(method: string, args: readonly unknown[]): unknown[] {
    return cloneAcrossThreads(this.runner.call(method, cloneAcrossThreads(args, "call() arguments")), "a call() result");
  }

  protected async closeEnvs(): Promise<void> {
    this.runner.close();
  }
}
