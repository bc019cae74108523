import { availableParallelism } from "node:os";
import { Rng } from "../core/rng.js";
import type { AnyMTEnv } from "../core/types.js";
import { registry } from "../registry/registry.js";
import { AutoresetMode } from "../vector/autoreset-mode.js";
import { loadBuiltinEnvs } from "../vector/env-modules.js";
import { ParallelVectorEnv } from "../vector/parallel-vector-env.js";
import { SyncVectorEnv } from "../vector/sync-vector-env.js";
import type { VectorEnv, VectorEnvSpec } from "../vector/types.js";
import { type CliCommand, type CliOutput, EXIT_OK, UsageError } from "./command.js";
import { requireEnvArguments } from "./env-id.js";
import { integerOption, kwargsOption, parseOptions } from "./parse-options.js";

/** The JSON line `mtenv bench` prints. */
export interface BenchResult {
  readonly id: string;
  readonly kwargs: Record<string, unknown>;
  /** Environment steps per timed run (a vector step counts numEnvs). */
  readonly steps: number;
  readonly numEnvs: number;
  readonly numWorkers: number;
  readonly repeats: number;
  /** Medians over the timed runs, in environment steps per second. */
  readonly singleEnvStepsPerSecond: number;
  readonly syncVectorStepsPerSecond: number;
  readonly parallelVectorStepsPerSecond: number;
  readonly node: string;
  readonly cores: number;
}

export const benchCommand: CliCommand = {
  name: "bench",
  summary: "measure steps/s of one env and of the sync and parallel vector envs (prints JSON)",
  help: `Usage: mtenv bench <id> [--steps N] [--num-envs N] [--repeats N] [--workers N] [--kwargs JSON]

Prints one JSON line with environment steps per second for a single env, a SyncVectorEnv
and a ParallelVectorEnv (SameStep autoreset, random actions drawn before timing). Each
figure is the median of --repeats timed runs after one warm-up run.

Options:
  --steps N      environment steps per timed run (default 50000)
  --num-envs N   environments in the vector envs, each with its own sampled task (default 8)
  --repeats N    timed runs per figure (default 5)
  --workers N    worker threads of the parallel env (default: one thread per core,
                 counting the calling thread)
  --kwargs JSON  keyword arguments for make
  --help         show this help

Example:
  mtenv bench MT-CartPole-v0 --steps 100000`,

  async run(args: readonly string[], output: CliOutput): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      steps: { type: "string" },
      "num-envs": { type: "string" },
      repeats: { type: "string" },
      workers: { type: "string" },
      kwargs: { type: "string" },
    });
    const [id, ...extra] = positionals;
    if (id === undefined) throw new UsageError('expected an environment id, e.g. "mtenv bench MT-CartPole-v0" ("mtenv list" shows them all).');
    if (extra.length > 0) throw new UsageError(`expected one environment id, got also ${extra.join(" ")}.`);
    const steps = integerOption(values.steps, "steps", 50_000);
    const numEnvs = integerOption(values["num-envs"], "num-envs", 8);
    const repeats = integerOption(values.repeats, "repeats", 5);
    const workers = values.workers === undefined ? undefined : integerOption(values.workers, "workers", 1, 0);
    const kwargs = kwargsOption(values.kwargs);
    await loadBuiltinEnvs([id]);
    requireEnvArguments(id, kwargs);

    const single = registry.make(id, kwargs) as AnyMTEnv;
    const singleSeconds = median(timeRuns(repeats, singleEnvRun(single, steps)));
    single.close();

    // Each env gets its own task, as in a multi-task run.
    const specs: VectorEnvSpec[] = Array.from({ length: numEnvs }, (_, i) => ({ id, kwargs, taskSeed: i }));
    const sync = new SyncVectorEnv(specs, { autoresetMode: AutoresetMode.SameStep });
    const syncSeconds = median(timeRuns(repeats, vectorRun(sync, steps)));
    await sync.close();
    const parallel = await ParallelVectorEnv.create(specs, { autoresetMode: AutoresetMode.SameStep, ...(workers === undefined ? {} : { numWorkers: workers }) });
    let parallelSeconds: number;
    try {
      parallelSeconds = median(timeRuns(repeats, vectorRun(parallel, steps)));
    } finally {
      await parallel.close();
    }
    const batches = Math.ceil(steps / numEnvs);
    const result: BenchResult = {
      id,
      kwargs,
      steps,
      numEnvs,
      numWorkers: parallel.numWorkers,
      repeats,
      singleEnvStepsPerSecond: Math.round(steps / singleSeconds),
      syncVectorStepsPerSecond: Math.round((batches * numEnvs) / syncSeconds),
      parallelVectorStepsPerSecond: Math.round((batches * numEnvs) / parallelSeconds),
      node: process.version,
      cores: availableParallelism(),
    };
    output.out(JSON.stringify(result));
    return EXIT_OK;
  },
};

/** How many distinct random actions are cycled through (drawn before timing). */
const ACTION_POOL = 64;

function singleEnvRun(env: AnyMTEnv, steps: number): () => void {
  env.seedTask(0);
  env.resetTaskState();
  env.reset({ seed: 0 });
  env.actionSpace.seed(Rng.fromSeed(0, "bench-actions").nextUint32());
  const actions = Array.from({ length: ACTION_POOL }, () => env.actionSpace.sample());
  return () => {
    for (let step = 0; step < steps; step++) {
      const [, , terminated, truncated] = env.step(actions[step % ACTION_POOL]);
      if (terminated || truncated) env.reset();
    }
  };
}

function vectorRun(env: VectorEnv, steps: number): () => void {
  env.call("resetTaskState");
  env.reset({ seed: 0 });
  env.actionSpace.seed(Rng.fromSeed(0, "bench-actions").nextUint32());
  const actions = Array.from({ length: ACTION_POOL }, () => env.actionSpace.sample());
  const batches = Math.ceil(steps / env.numEnvs);
  return () => {
    for (let batch = 0; batch < batches; batch++) env.step(actions[batch % ACTION_POOL]!);
  };
}

/** Seconds of each of `repeats` timed runs, after one untimed warm-up run (JIT, caches). */
function timeRuns(repeats: number, run: () => void): number[] {
  run();
  return Array.from({ length: repeats }, () => {
    const started = performance.now();
    run();
    return (performance.now() - started) / 1000;
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
