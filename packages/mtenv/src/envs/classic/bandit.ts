import { z } from "zod";
import { MTEnvBase } from "../../core/mt-env.js";
import type { DescribesTasks } from "../../core/task-set.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import { banditObservation, banditTaskDescription, pullArm } from "./bernoulli-arms.js";
import { parseEnvOptions } from "./env-options.js";
import { checkedTaskVector, sampleTaskVector, type TaskVectorInput } from "./task-vector.js";

export const banditOptionsSchema = z.strictObject({
  /** Number of arms k. */
  nArms: z.number().int().min(1).max(1000).default(5),
});
export type BanditOptions = z.input<typeof banditOptionsSchema>;

/**
 * The reference's MTBanditEnv: k Bernoulli arms whose pay-out probabilities are the task.
 *
 * - task: the probability vector p ∈ [0, 1]^k as a plain `number[]` of float32 values (JSON-safe),
 *   drawn uniformly by sampleTaskState(); setTaskState also accepts a Float32Array (earlier versions)
 * - action: Discrete(k), the arm to pull; reward ~ Bernoulli(p[arm])
 * - envObs: one-hot of the last arm pulled, then its reward (zeros after reset), Box(0, 1, [k + 1])
 * - taskObs: p itself, Box(0, 1, [k])
 * - never terminates; the registry truncates episodes after BANDIT_EPISODE_PULLS (10) pulls —
 *   long enough to learn something in context when taskObs is hidden, short enough that
 *   returns stay on the scale of one pull
 */
export class MTBandit extends MTEnvBase<Float32Array, Float32Array, number, number[]> implements DescribesTasks<TaskVectorInput> {
  readonly nArms: number;
  /** p, every element a float32 value. */
  private probabilities: number[];

  constructor(options: BanditOptions = {}) {
    const { nArms } = parseEnvOptions("MTBandit", banditOptionsSchema, options);
    super(new Discrete(nArms), new Box(0, 1, { shape: [nArms + 1] }), new Box(0, 1, { shape: [nArms] }));
    this.nArms = nArms;
    this.probabilities = new Array<number>(nArms).fill(0);
  }

  getTaskObs(): Float32Array {
    return Float32Array.from(this.probabilities);
  }

  getTaskState(): number[] {
    return this.probabilities.slice();
  }

  setTaskState(state: TaskVectorInput): void {
    this.probabilities = checkedTaskVector("MTBandit", state, this.nArms, 0, 1);
  }

  sampleTaskState(): number[] {
    return sampleTaskVector(this.taskRng, this.nArms, 0, 1);
  }

  /** The arms' probabilities in words (see banditTaskDescription). */
  describeTask(state: TaskVectorInput): string {
    return banditTaskDescription(checkedTaskVector("MTBandit", state, this.nArms, 0, 1));
  }

  protected resetEnv(): [Float32Array, Info] {
    return [banditObservation(this.nArms, -1, 0), {}];
  }

  protected stepEnv(action: number): [Float32Array, number, boolean, boolean, Info] {
    const reward = pullArm(this.envRng, this.probabilities, action);
    return [banditObservation(this.nArms, action, reward), reward, false, false, {}];
  }
}
