/**
 * A small registry-registered multi-task environment for the vector env tests, so that they run
 * (in worker threads too, which import this module by path) without the real environments.
 * Importing this module registers it. Not exported from the package.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { InvalidTaskStateError, describeValue } from "../core/errors.js";
import { MTEnvBase } from "../core/mt-env.js";
import type { Rng } from "../core/rng.js";
import type { Info } from "../core/types.js";
import { registry } from "../registry/registry.js";
import { Box } from "../spaces/box.js";
import { Discrete } from "../spaces/discrete.js";
import type { Space } from "../spaces/space.js";

export const TEST_ENV_ID = "MT-VectorTestWalk-v0";
/** Absolute path of this module, for `imports` of a ParallelVectorEnv. */
export const TEST_ENV_MODULE = fileURLToPath(import.meta.url);
export const TEST_ENV_MAX_STEPS = 25;

const kwargsSchema = z.strictObject({
  /** Discrete(5) actions (stay, ±x, ±y) instead of a 2-d Box. */
  discrete: z.boolean().default(false),
  /** Sleeps this long in every step (to test the parallel vector env's timeout). */
  sleepOnStepMs: z.number().int().nonnegative().default(0),
  /** Ends its thread with process.exit in the first step (worker crash test; never in the main thread). */
  exitOnStep: z.boolean().default(false),
});
type TestWalkKwargs = z.output<typeof kwargsSchema>;

/** The task: where the goal is. A plain array so that it is JSON-serialisable. */
export type TestWalkTask = [goalX: number, goalY: number];

/**
 * A noisy walk in the plane towards a goal (the task). Start position and step noise come from
 * the env stream, goals from the task stream; a random early stop makes episode lengths vary, so
 * autoresets happen at different steps in different envs.
 */
export class TestWalkEnv extends MTEnvBase<Float32Array, Float32Array, Float32Array | number, TestWalkTask> {
  private task: TestWalkTask = [0.5, -0.5];
  private readonly position = new Float64Array(2);
  private rng: Rng | undefined;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly kwargs: TestWalkKwargs) {
    const actionSpace: Space<Float32Array | number> = kwargs.discrete
      ? (new Discrete(5) as Space<Float32Array | number>)
      : (new Box(-1, 1, { shape: [2] }) as Space<Float32Array | number>);
    super(actionSpace, new Box(-5, 5, { shape: [3] }), new Box(-1, 1, { shape: [2] }));
  }

  getTaskObs(): Float32Array {
    return Float32Array.from(this.task);
  }

  getTaskState(): TestWalkTask {
    return [...this.task];
  }

  setTaskState(state: TestWalkTask): void {
    if (!Array.isArray(state) || state.length !== 2 || !state.every((x) => typeof x === "number" && x >= -1 && x <= 1)) {
      throw new InvalidTaskStateError(`TestWalkEnv task state must be [goalX, goalY] in [-1, 1], got ${describeValue(state)}.`);
    }
    this.task = [state[0], state[1]];
  }

  sampleTaskState(): TestWalkTask {
    return [this.taskRng.uniform(-1, 1), this.taskRng.uniform(-1, 1)];
  }

  /** Returns a function, which cannot cross threads (vector env error tests). */
  makeCallback(): () => number {
    return () => 0;
  }

  protected resetEnv(rng: Rng): [Float32Array, Info] {
    this.rng = rng;
    this.position[0] = rng.uniform(-1, 1);
    this.position[1] = rng.uniform(-1, 1);
    return [this.observe(), { startDistance: this.distance() }];
  }

  protected stepEnv(action: Float32Array | number): [Float32Array, number, boolean, boolean, Info] {
    if (this.kwargs.sleepOnStepMs > 0) Atomics.wait(this.sleeper, 0, 0, this.kwargs.sleepOnStepMs);
    if (this.kwargs.exitOnStep) process.exit(3);
    const rng = this.rng!;
    const [dx, dy] = typeof action === "number" ? DISCRETE_MOVES[action]! : [clip(action[0]!), clip(action[1]!)];
    this.position[0] = clip(this.position[0]! + 0.2 * dx + rng.normal(0, 0.05), 2);
    this.position[1] = clip(this.position[1]! + 0.2 * dy + rng.normal(0, 0.05), 2);
    const distance = this.distance();
    const reachedGoal = distance < 0.2;
    const gaveUp = rng.uniform() < 0.04;
    const info: Info = reachedGoal ? { reachedGoal: true } : {};
    return [this.observe(), -distance, reachedGoal || gaveUp, false, info];
  }

  private distance(): number {
    return Math.hypot(this.position[0]! - this.task[0], this.position[1]! - this.task[1]);
  }

  private observe(): Float32Array {
    return Float32Array.of(this.position[0]!, this.position[1]!, this.distance());
  }
}

const DISCRETE_MOVES: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [-1, 0],
  [0, 1],
  [0, -1],
];

function clip(value: number, limit = 1): number {
  return Math.min(Math.max(value, -limit), limit);
}

// Guarded so that importing the module again (another test file, a worker) is harmless.
if (!registry.has(TEST_ENV_ID)) {
  registry.register({
    id: TEST_ENV_ID,
    description: "Toy noisy 2-d walk to a goal (vector env tests only).",
    kwargsSchema,
    entryPoint: (kwargs) => new TestWalkEnv(kwargs),
    maxEpisodeSteps: TEST_ENV_MAX_STEPS,
    testKwargs: { valid: [{ discrete: true }], invalid: [{ discrete: "yes" }, { speed: 2 }] },
  });
}
