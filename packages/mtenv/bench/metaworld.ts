/**
 * `npm run bench:metaworld`: prints one JSON object with environment steps per second of the
 * Meta-World-style environments —
 *  - per MT10 task, a single MT1 env driven by seeded random actions, and by the task's scripted
 *    expert (which keeps objects in contact with the fingers, the costlier case);
 *  - the 10-task MT10 vector env (one env per task, random actions, SameStep autoreset), sync in
 *    this thread and parallel over worker threads.
 * Every figure follows a warm-up: the WASM engine is slow until V8 has optimised it.
 */
import { availableParallelism } from "node:os";
import { Rng } from "../src/core/rng.js";
import { initMujoco } from "../src/envs/index.js";
import { make } from "../src/registry/registry.js";
import { MetaWorldMT1Env } from "../src/envs/metaworld/mt1-env.js";
import { makeMetaWorldMT10VectorEnv } from "../src/envs/metaworld/benchmark-vector-env.js";
import { MT10_TASKS } from "../src/envs/metaworld/task-catalog.js";
import { AutoresetMode } from "../src/vector/autoreset-mode.js";
import type { VectorEnv } from "../src/vector/types.js";

const MEASURE_SECONDS = Number(process.env["BENCH_SECONDS"] ?? 1.5);
const WARMUP_STEPS = 30_000;
const ACTION_POOL = 256;

await initMujoco();

/** Steps `env` for `seconds` with random actions or its task's expert; returns steps per second. */
function singleEnvRate(taskName: string, driver: "random" | "expert", seconds: number): number {
  const env = make("MT-MetaWorld-MT1-v0", { task: taskName }) as MetaWorldMT1Env;
  env.seedTask(0);
  let [observation] = env.reset({ seed: 0 });
  const rng = Rng.fromSeed(0, "bench-actions");
  const pool = Array.from({ length: ACTION_POOL }, () => Float32Array.from({ length: 4 }, () => rng.uniform(-1, 1)));
  let expert = env.task.createExpert();
  const expertAction = new Float32Array(4);
  let steps = 0;
  let configuration = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 100; i++) {
      let action: Float32Array;
      if (driver === "expert") {
        expert.act(observation.envObs, expertAction);
        action = expertAction;
      } else {
        action = pool[steps % ACTION_POOL]!;
      }
      const [next, , terminated, truncated] = env.step(action);
      observation = next;
      steps += 1;
      if (terminated || truncated) {
        configuration = (configuration + 1) % 50;
        env.setTaskState(configuration);
        observation = env.reset()[0];
        expert = env.task.createExpert();
      }
    }
  }
  const rate = steps / ((performance.now() - started) / 1000);
  env.close();
  return Math.round(rate);
}

/** Environment steps per second of a vector env under random actions (a batch counts numEnvs). */
function vectorRate(env: VectorEnv, seconds: number): number {
  env.reset({ seed: 0 });
  env.actionSpace.seed(Rng.fromSeed(0, "bench-actions").nextUint32());
  const pool = Array.from({ length: 64 }, () => env.actionSpace.sample());
  const run = (limitSeconds: number): number => {
    let batches = 0;
    const started = performance.now();
    while (performance.now() - started < limitSeconds * 1000) {
      for (let i = 0; i < 10; i++) env.step(pool[(batches + i) % 64]!);
      batches += 10;
    }
    return (batches * env.numEnvs) / ((performance.now() - started) / 1000);
  };
  // Long enough for every thread's WASM code to be optimised (slow for the first ~20k physics steps).
  run(Math.max(4, seconds));
  return Math.round(run(seconds));
}

// One long warm-up so that the first task is not measured on cold code.
singleEnvRate("pick-place", "random", 0.1);
{
  const env = make("MT-MetaWorld-MT1-v0", { task: "pick-place" });
  env.seedTask(0);
  env.reset({ seed: 0 });
  const action = new Float32Array(4);
  for (let i = 0; i < WARMUP_STEPS; i++) {
    action[0] = Math.sin(i * 0.01);
    action[1] = Math.cos(i * 0.013);
    action[2] = Math.sin(i * 0.007);
    action[3] = Math.sin(i * 0.05);
    const [, , terminated, truncated] = env.step(action);
    if (terminated || truncated) env.reset();
  }
  env.close();
}

const perTask: Record<string, { randomActions: number; expert: number }> = {};
for (const task of MT10_TASKS) {
  perTask[task.name] = { randomActions: singleEnvRate(task.name, "random", MEASURE_SECONDS), expert: singleEnvRate(task.name, "expert", MEASURE_SECONDS) };
}
const sync = await makeMetaWorldMT10VectorEnv({ seed: 0, mode: "sync", autoresetMode: AutoresetMode.SameStep });
const syncRate = vectorRate(sync, MEASURE_SECONDS * 2);
await sync.close();
const parallel = await makeMetaWorldMT10VectorEnv({ seed: 0, mode: "parallel", autoresetMode: AutoresetMode.SameStep });
const parallelRate = vectorRate(parallel, MEASURE_SECONDS * 2);
const workers = (parallel as unknown as { numWorkers?: number }).numWorkers ?? null;
await parallel.close();

const randomRates = Object.values(perTask).map((rates) => rates.randomActions);
console.log(
  JSON.stringify(
    {
      benchmark: "metaworld",
      unit: "environment steps per second (5 physics steps each)",
      singleEnv: perTask,
      singleEnvMeanRandomActions: Math.round(randomRates.reduce((a, b) => a + b, 0) / randomRates.length),
      mt10VectorEnv: { numEnvs: 10, sync: syncRate, parallel: parallelRate, parallelWorkers: workers },
      targetPerCore: 8000,
      node: process.version,
      cores: availableParallelism(),
      measureSeconds: MEASURE_SECONDS,
    },
    null,
    2,
  ),
);
