import { z } from "zod";
import { InvalidTaskStateError, describeValue } from "../../core/errors.js";
import { MTEnvBase } from "../../core/mt-env.js";
import type { DescribesTasks } from "../../core/task-set.js";
import type { Rng } from "../../core/rng.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import { parseEnvOptions } from "./env-options.js";

/**
 * A tabular MDP task, both tables flattened row-major:
 * `rewardProbabilities[s·A + a]` = P(reward 1 | s, a) and
 * `transitionProbabilities[(s·A + a)·S + s']` = P(s' | s, a).
 */
export interface TabularMDPTask {
  rewardProbabilities: Float32Array;
  transitionProbabilities: Float32Array;
}

/** Rows of T may miss 1 by float32 rounding of the softmax; anything further off is a bug. */
const ROW_SUM_TOLERANCE = 1e-4;

export const tabularMDPOptionsSchema = z.strictObject({
  /** Number of states S (the task observation holds S·A + S·A·S numbers, hence the cap). */
  nStates: z.number().int().min(1).max(100).default(4),
  /** Number of actions A. */
  nActions: z.number().int().min(1).max(100).default(5),
});
export type TabularMDPOptions = z.input<typeof tabularMDPOptionsSchema>;

/**
 * The reference's UniformTMDP: a random tabular MDP per task.
 *
 * - task: R ~ U[0, 1]^{S×A} (reward probabilities) and T = softmax(N(0, 1)^{S×A×S}) over the
 *   next-state axis, both drawn from the task stream
 * - action: Discrete(A); reward ~ Bernoulli(R[s, a]), then s' ~ T[s, a, ·] (env stream)
 * - envObs: one-hot state followed by the last reward (0 after reset), Box(0, 1, [S + 1])
 * - taskObs: R and T flattened and concatenated, Box(0, 1, [S·A + S·A·S])
 * - episodes start in a uniformly random state (as the reference) and never terminate: the
 *   registry truncates them at 100 steps
 */
export class UniformTabularMDP extends MTEnvBase<Float32Array, Float32Array, number, TabularMDPTask> implements DescribesTasks<TabularMDPTask> {
  readonly nStates: number;
  readonly nActions: number;
  private task: TabularMDPTask;
  private state = 0;

  constructor(options: TabularMDPOptions = {}) {
    const { nStates, nActions } = parseEnvOptions("UniformTabularMDP", tabularMDPOptionsSchema, options);
    const pairs = nStates * nActions;
    super(new Discrete(nActions), new Box(0, 1, { shape: [nStates + 1] }), new Box(0, 1, { shape: [pairs + pairs * nStates] }));
    this.nStates = nStates;
    this.nActions = nActions;
    // Until a task is set: no reward anywhere and uniform transitions, a valid (if dull) MDP.
    this.task = {
      rewardProbabilities: new Float32Array(pairs),
      transitionProbabilities: new Float32Array(pairs * nStates).fill(1 / nStates),
    };
  }

  getTaskObs(): Float32Array {
    const { rewardProbabilities, transitionProbabilities } = this.task;
    const out = new Float32Array(rewardProbabilities.length + transitionProbabilities.length);
    out.set(rewardProbabilities, 0);
    out.set(transitionProbabilities, rewardProbabilities.length);
    return out;
  }

  getTaskState(): TabularMDPTask {
    return { rewardProbabilities: this.task.rewardProbabilities.slice(), transitionProbabilities: this.task.transitionProbabilities.slice() };
  }

  setTaskState(state: TabularMDPTask): void {
    this.task = this.checkedTask(state);
  }

  sampleTaskState(): TabularMDPTask {
    const rng = this.taskRng;
    const { nStates, nActions } = this;
    const rewardProbabilities = new Float32Array(nStates * nActions);
    for (let i = 0; i < rewardProbabilities.length; i++) rewardProbabilities[i] = rng.uniform();
    const transitionProbabilities = new Float32Array(nStates * nActions * nStates);
    const logits = new Float64Array(nStates);
    for (let row = 0; row < nStates * nActions; row++) {
      for (let next = 0; next < nStates; next++) logits[next] = rng.normal();
      // Softmax with the maximum subtracted, so large draws cannot overflow exp().
      const largest = Math.max(...logits);
      let total = 0;
      for (let next = 0; next < nStates; next++) total += Math.exp(logits[next]! - largest);
      for (let next = 0; next < nStates; next++) transitionProbabilities[row * nStates + next] = Math.exp(logits[next]! - largest) / total;
    }
    return { rewardProbabilities, transitionProbabilities };
  }

  /** The task's reward table in words (see tabularMDPTaskDescription). */
  describeTask(state: TabularMDPTask): string {
    return tabularMDPTaskDescription(this.checkedTask(state), this.nStates, this.nActions);
  }

  protected resetEnv(rng: Rng): [Float32Array, Info] {
    this.state = rng.integers(0, this.nStates);
    return [this.observation(0), {}];
  }

  protected stepEnv(action: number): [Float32Array, number, boolean, boolean, Info] {
    const rng = this.envRng;
    const row = this.state * this.nActions + action;
    const reward = rng.uniform() < this.task.rewardProbabilities[row]! ? 1 : 0;
    this.state = this.sampleNextState(rng, row);
    return [this.observation(reward), reward, false, false, {}];
  }

  /** Inverse-CDF draw from row `row` of T, scaled by the row's float32 sum so rounding never matters. */
  private sampleNextState(rng: Rng, row: number): number {
    const probabilities = this.task.transitionProbabilities;
    const offset = row * this.nStates;
    let total = 0;
    for (let next = 0; next < this.nStates; next++) total += probabilities[offset + next]!;
    const target = rng.uniform() * total;
    let cumulative = 0;
    let last = 0;
    for (let next = 0; next < this.nStates; next++) {
      const p = probabilities[offset + next]!;
      if (p <= 0) continue;
      last = next;
      cumulative += p;
      if (target < cumulative) return next;
    }
    return last;
  }

  private observation(lastReward: number): Float32Array {
    const out = new Float32Array(this.nStates + 1);
    out[this.state] = 1;
    out[this.nStates] = lastReward;
    return out;
  }

  private checkedTask(state: TabularMDPTask): TabularMDPTask {
    const { nStates, nActions } = this;
    const pairs = nStates * nActions;
    const fail = (problem: string): never => {
      throw new InvalidTaskStateError(
        `UniformTabularMDP (S=${nStates}, A=${nActions}): ${problem}. Expected {rewardProbabilities: Float32Array(${pairs}) in [0, 1], transitionProbabilities: Float32Array(${pairs * nStates}) whose rows of ${nStates} sum to 1}, e.g. one returned by sampleTaskState().`,
      );
    };
    if (typeof state !== "object" || state === null) return fail(`got ${describeValue(state)}`);
    const rewards = asProbabilities(state.rewardProbabilities, pairs, "rewardProbabilities", fail);
    const transitions = asProbabilities(state.transitionProbabilities, pairs * nStates, "transitionProbabilities", fail);
    for (let row = 0; row < pairs; row++) {
      let total = 0;
      for (let next = 0; next < nStates; next++) total += transitions[row * nStates + next]!;
      if (Math.abs(total - 1) > ROW_SUM_TOLERANCE) {
        fail(`transition row for state ${Math.floor(row / nActions)}, action ${row % nActions} sums to ${total}, not 1`);
      }
    }
    return { rewardProbabilities: rewards, transitionProbabilities: transitions };
  }
}

/**
 * One sentence with the size of the MDP and every reward probability (three decimals, actions in
 * order, state by state). The S·A·S transition probabilities are left out: they would swamp the
 * sentence, and tasks drawn from the task stream already differ in their rewards.
 */
export function tabularMDPTaskDescription(task: Readonly<TabularMDPTask>, nStates: number, nActions: number): string {
  const perState = Array.from({ length: nStates }, (_, state) => {
    const row = Array.from(task.rewardProbabilities.subarray(state * nActions, (state + 1) * nActions), (p) => p.toFixed(3));
    return `${row.join(", ")} in state ${state}`;
  });
  return `Collect reward in a tabular MDP with ${nStates} states, ${nActions} actions and random transitions, where the actions pay 1 with probabilities ${perState.join("; ")}.`;
}

function asProbabilities(value: unknown, length: number, name: string, fail: (problem: string) => never): Float32Array {
  const isNumbers = value instanceof Float32Array || value instanceof Float64Array || (Array.isArray(value) && value.every((x) => typeof x === "number"));
  if (!isNumbers) return fail(`${name} is ${describeValue(value)}`);
  const copy = Float32Array.from(value as ArrayLike<number>);
  if (copy.length !== length) return fail(`${name} has length ${copy.length}, expected ${length}`);
  const bad = copy.findIndex((p) => !(p >= 0 && p <= 1));
  if (bad >= 0) return fail(`${name}[${bad}] = ${copy[bad]} is not a probability`);
  return copy;
}
