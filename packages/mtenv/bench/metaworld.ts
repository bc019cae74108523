/**
 * `npm run bench:metaworld`: prints one JSON object with environment steps per second of the
 * Meta-World-style environments —
 *  - per task, a single MT1 env driven by seeded random actions, and by the task's scripted
 *    expert (which keeps objects in contact with the fingers, the costlier case);
 *  - per task, how the time of a step splits between MuJoCo (mj_step, 5 per env step) and our
 *    own work (mocap and gripper control, the 39-dim observation, the reward with its
 *    diagnostics): `ownWorkShareOfMjStep` = own time / mj_step time (target ≤ 0.15);
 *  - the MT10 and MT50 vector envs (one env per task, random actions, SameStep autoreset), sync in
 *    this thread and parallel over one worker thread per core.
 * Every figure follows a warm-up: the WASM engine is slow until V8 has optimised it.
 * `BENCH_SECONDS` (default 1) sets the measuring time per figure; `BENCH_TASKS=a,b` limits the
 * per-task part to those tasks.
 */
import { availableParallelism } from "node:os";
import { Rng } from "../src/core/rng.js";
import { initMujoco } from "../src/envs/index.js";
import { make } from "../src/registry/registry.js";
import { taskConfigurations } from "../src/envs/metaworld/configurations.js";
import { MetaWorldMT1Env } from "../src/envs/metaworld/mt1-env.js";
import { makeMetaWorldMT10VectorEnv, makeMetaWorldMT50VectorEnv } from "../src/envs/metaworld/benchmark-vector-env.js";
import { TabletopSimulation } from "../src/envs/metaworld/tabletop-simulation.js";
import { METAWORLD_TASKS, taskByName } from "../src/envs/metaworld/task-catalog.js";
import type { ManipulationTask } from "../src/envs/metaworld/task.js";
import { AutoresetMode } from "../src/vector/autoreset-mode.js";
import type { VectorEnv } from "../src/vector/types.js";

const MEASURE_SECONDS = Number(process.env["BENCH_SECONDS"] ?? 1);
const WARMUP_STEPS = 30_000;
const ACTION_POOL = 256;
const SPLIT_STEPS = 5_000;
const OWN_WORK_TARGET = 0.15;
const PER_CORE_TARGET = 5_000;

await initMujoco();

const randomActions = (() => {
  const rng = Rng.fromSeed(0, "bench-actions");
  return Array.from({ length: ACTION_POOL }, () => Float32Array.from({ length: 4 }, () => rng.uniform(-1, 1)));
})();

/** Steps an MT1 env for `seconds` with random actions or its task's expert; returns steps per second. */
function singleEnvRate(taskName: string, driver: "random" | "expert", seconds: number): number {
  const env = make("MT-MetaWorld-MT1-v0", { task: taskName }) as MetaWorldMT1Env;
  env.seedTask(0);
  let [observation] = env.reset({ seed: 0 });
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
        action = randomActions[steps % ACTION_POOL]!;
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

/**
 * Where a step's time goes: the task's scene stepped with random actions (500-step episodes over
 * its configurations) with MuJoCo's part timed around each `advance` (the 5 mj_steps), the rest
 * being ours. Two clock reads per step cost ≈0.1 µs against steps of tens of µs.
 */
function timeSplit(task: ManipulationTask): { mjStepMicrosPerEnvStep: number; ownMicrosPerEnvStep: number; ownWorkShareOfMjStep: number } {
  const tabletop = new TabletopSimulation(task);
  const physics = tabletop.simulation;
  const advance = physics.advance.bind(physics);
  let inMujoco = 0;
  physics.advance = (count?: number) => {
    const before = performance.now();
    advance(count);
    inMujoco += performance.now() - before;
  };
  const configurations = taskConfigurations(task);
  const run = (steps: number): number => {
    inMujoco = 0;
    const started = performance.now();
    for (let step = 0; step < steps; step++) {
      if (step % 500 === 0) tabletop.reset(configurations[(step / 500) % configurations.length]!);
      tabletop.step(randomActions[step % ACTION_POOL]!);
      tabletop.evaluate();
    }
    return performance.now() - started;
  };
  run(SPLIT_STEPS);
  const total = run(SPLIT_STEPS);
  tabletop.close();
  const own = total - inMujoco;
  return {
    mjStepMicrosPerEnvStep: round((inMujoco / SPLIT_STEPS) * 1000, 2),
    ownMicrosPerEnvStep: round((own / SPLIT_STEPS) * 1000, 2),
    ownWorkShareOfMjStep: round(own / inMujoco, 3),
  };
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

async function vectorRates(build: (mode: "sync" | "parallel") => Promise<VectorEnv>, seconds: number): Promise<{ numEnvs: number; sync: number; parallel: number; parallelWorkers: number | null }> {
  const sync = await build("sync");
  const syncRate = vectorRate(sync, seconds);
  const numEnvs = sync.numEnvs;
  await sync.close();
  const parallel = await build("parallel");
  const parallelRate = vectorRate(parallel, seconds);
  const workers = (parallel as unknown as { numWorkers?: number }).numWorkers ?? null;
  await parallel.close();
  return { numEnvs, sync: syncRate, parallel: parallelRate, parallelWorkers: workers };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// One long warm-up so that the first task is not measured on cold code.
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

const requested = process.env["BENCH_TASKS"];
const tasks = requested === undefined ? METAWORLD_TASKS : requested.split(",").map((name) => taskByName(name.trim()));
const perTask: Record<string, { randomActions: number; expert: number; mjStepMicrosPerEnvStep: number; ownMicrosPerEnvStep: number; ownWorkShareOfMjStep: number }> = {};
for (const task of tasks) {
  perTask[task.name] = {
    randomActions: singleEnvRate(task.name, "random", MEASURE_SECONDS),
    expert: singleEnvRate(task.name, "expert", MEASURE_SECONDS),
    ...timeSplit(task),
  };
  process.stderr.write(`${task.name}: ${JSON.stringify(perTask[task.name])}\n`);
}
const rows = Object.values(perTask);
const randomRates = rows.map((row) => row.randomActions);
const shares = rows.map((row) => row.ownWorkShareOfMjStep);
const vectorEnvs: Record<string, unknown> = {
  mt10: await vectorRates((mode) => makeMetaWorldMT10VectorEnv({ seed: 0, mode, autoresetMode: AutoresetMode.SameStep }), MEASURE_SECONDS * 2),
  mt50: await vectorRates((mode) => makeMetaWorldMT50VectorEnv({ seed: 0, mode, autoresetMode: AutoresetMode.SameStep }), MEASURE_SECONDS * 2),
};

console.log(
  JSON.stringify(
    {
      benchmark: "metaworld",
      unit: "environment steps per second (5 physics steps each); micros per environment step",
      tasks: rows.length,
      singleEnv: perTask,
      summary: {
        medianRandomActions: median(randomRates),
        minRandomActions: Math.min(...randomRates),
        medianExpert: median(rows.map((row) => row.expert)),
        perCoreTarget: PER_CORE_TARGET,
        tasksBelowPerCoreTarget: Object.entries(perTask).filter(([, row]) => row.randomActions < PER_CORE_TARGET).map(([name]) => name),
        medianOwnWorkShareOfMjStep: median(shares),
        maxOwnWorkShareOfMjStep: Math.max(...shares),
        ownWorkShareTarget: OWN_WORK_TARGET,
        tasksAboveOwnWorkTarget: Object.entries(perTask).filter(([, row]) => row.ownWorkShareOfMjStep > OWN_WORK_TARGET).map(([name]) => name),
      },
      vectorEnvs,
      node: process.version,
      cores: availableParallelism(),
      measureSeconds: MEASURE_SECONDS,
    },
    null,
    2,
  ),
);
