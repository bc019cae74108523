import { z } from "zod";
import { InvalidTaskStateError, describeValue } from "../../core/errors.js";
import { MTEnvBase } from "../../core/mt-env.js";
import type { DescribesTasks, HasTaskSet } from "../../core/task-set.js";
import { Rng } from "../../core/rng.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import { banditObservation, banditTaskDescription, pullArm } from "./bernoulli-arms.js";
import { parseEnvOptions } from "./env-options.js";
import { sampleTaskVector } from "./task-vector.js";

export const finiteBanditOptionsSchema = z.strictObject({
  /** Number of arms k. */
  nArms: z.number().int().min(1).max(1000).default(5),
  /** Number of fixed tasks n. */
  nTasks: z.number().int().min(1).max(10000).default(10),
  /** Seed of the n probability vectors: the same seed gives the same task set in every run. */
  taskSetSeed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
});
export type FiniteBanditOptions = z.input<typeof finiteBanditOptionsSchema>;

/**
 * The reference's FiniteMTBanditEnv: n fixed k-armed Bernoulli bandits; the task is which one.
 *
 * - task: an index in [0, n), a plain number (JSON-safe); the n probability vectors are drawn
 *   once, uniformly, from the `taskSetSeed` kwarg (not from the task stream, so the set does not
 *   depend on seedTask)
 * - action, reward, envObs and episode length as MTBandit
 * - taskObs: the index, Discrete(n)
 */
export class FiniteMTBandit extends MTEnvBase<Float32Array, number, number, number> implements HasTaskSet<number>, DescribesTasks<number> {
  readonly nArms: number;
  readonly nTasks: number;
  private readonly armProbabilities: readonly Float32Array[];
  private taskIndex = 0;

  constructor(options: FiniteBanditOptions = {}) {
    const { nArms, nTasks, taskSetSeed } = parseEnvOptions("FiniteMTBandit", finiteBanditOptionsSchema, options);
    super(new Discrete(nArms), new Box(0, 1, { shape: [nArms + 1] }), new Discrete(nTasks));
    this.nArms = nArms;
    this.nTasks = nTasks;
    const setRng = Rng.fromSeed(taskSetSeed, "finite-bandit-task-set");
    this.armProbabilities = Object.freeze(Array.from({ length: nTasks }, () => Float32Array.from(sampleTaskVector(setRng, nArms, 0, 1))));
  }

  /** The arm probabilities of task `index` (a copy). */
  armProbabilitiesOf(index: number): Float32Array {
    this.checkTaskIndex(index);
    return this.armProbabilities[index]!.slice();
  }

  getTaskObs(): number {
    return this.taskIndex;
  }

  getTaskState(): number {
    return this.taskIndex;
  }

  setTaskState(state: number): void {
    this.checkTaskIndex(state);
    this.taskIndex = state;
  }

  private checkTaskIndex(state: number): void {
    if (typeof state !== "number" || !Number.isInteger(state) || state < 0 || state >= this.nTasks) {
      throw new InvalidTaskStateError(
        `FiniteMTBandit: expected a task index, an integer in [0, ${this.nTasks - 1}], got ${describeValue(state)}. Pass e.g. 0, or raise the nTasks kwarg.`,
      );
    }
  }

  sampleTaskState(): number {
    return this.taskRng.integers(0, this.nTasks);
  }

  /** The arm probabilities of bandit `index` in words (see banditTaskDescription). */
  describeTask(index: number): string {
    this.checkTaskIndex(index);
    return banditTaskDescription(this.armProbabilities[index]!);
  }

  /** Every task index, so a multi-task trainer can run one env per bandit. */
  listTaskStates(): number[] {
    return Array.from({ length: this.nTasks }, (_, index) => index);
  }

  protected resetEnv(): [Float32Array, Info] {
    return [banditObservation(this.nArms, -1, 0), {}];
  }

  protected stepEnv(action: number): [Float32Array, number, boolean, boolean, Info] {
    const reward = pullArm(this.envRng, this.armProbabilities[this.taskIndex]!, action);
    return [banditObservation(this.nArms, action, reward), reward, false, false, {}];
  }
}
