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
 * A tabular MDP task as plain JSON data, indexed by state, action (and next state):
 * `rewardProbabilities[s][a]` = P(reward 1 | s, a) and
 * `transitionProbabilities[s][a][s']` = P(s' | s, a). The env computes in float32, so every
 * number getTaskState() or sampleTaskState() returns is a float32 value (setTaskState rounds with
 * Math.fround): the task observation is then bit-for-bit the task.
 */
export interface TabularMDPTask {
  rewardProbabilities: number[][];
  transitionProbabilities: number[][][];
}

/**
 * The task-state form of earlier versions, which setTaskState still accepts: both tables flattened
 * row-major, `rewardProbabilities[s·A + a]` and `transitionProbabilities[(s·A + a)·S + s']`, as
 * Float32Arrays (or number arrays).
 */
export interface FlatTabularMDPTask {
  rewardProbabilities: ArrayLike<number>;
  transitionProbabilities: ArrayLike<number>;
}

/** What setTaskState and describeTask take. */
export type TabularMDPTaskInput = TabularMDPTask | FlatTabularMDPTask;

/** The tables as the dynamics read them: flat row-major float32 (the layout of the task observation). */
interface FlatTables {
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
 * - task state: { rewardProbabilities: R[s][a], transitionProbabilities: T[s][a][s'] }, nested
 *   number arrays (JSON-safe; see TabularMDPTask)
 * - taskObs: R and T flattened row-major and concatenated, Box(0, 1, [S·A + S·A·S])
 * - episodes start in a uniformly random state (as the reference) and never terminate: the
 *   registry truncates them at 100 steps
 */
export class UniformTabularMDP extends MTEnvBase<Float32Array, Float32Array, number, TabularMDPTask> implements DescribesTasks<TabularMDPTaskInput> {
  readonly nStates: number;
  readonly nActions: number;
  private task: FlatTables;
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
    return this.nested(this.task);
  }

  setTaskState(state: TabularMDPTaskInput): void {
    this.task = this.checkedTables(state);
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
    return this.nested({ rewardProbabilities, transitionProbabilities });
  }

  /** The task's reward table in words (see tabularMDPTaskDescription). */
  describeTask(state: TabularMDPTaskInput): string {
    return tabularMDPTaskDescription(this.nested(this.checkedTables(state)), this.nStates, this.nActions);
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

  /** The JSON form of flat tables: nested number arrays indexed [state][action] (and [next state]). */
  private nested(tables: FlatTables): TabularMDPTask {
    const { nStates, nActions } = this;
    const row = (table: Float32Array, index: number, size: number): number[] => Array.from(table.subarray(index * size, (index + 1) * size));
    return {
      rewardProbabilities: Array.from({ length: nStates }, (_, state) => row(tables.rewardProbabilities, state, nActions)),
      transitionProbabilities: Array.from({ length: nStates }, (_, state) =>
        Array.from({ length: nActions }, (_, action) => row(tables.transitionProbabilities, state * nActions + action, nStates)),
      ),
    };
  }

  private checkedTables(state: unknown): FlatTables {
    const { nStates, nActions } = this;
    const pairs = nStates * nActions;
    const fail = (problem: string): never => {
      throw new InvalidTaskStateError(
        `UniformTabularMDP (S=${nStates}, A=${nActions}): ${problem}. Expected {rewardProbabilities: ${nStates} rows of ${nActions} probabilities ([state][action]), ` +
          `transitionProbabilities: ${nStates}×${nActions} rows of ${nStates} probabilities that sum to 1 ([state][action][next state])}, e.g. one returned by sampleTaskState(); ` +
          `the flat row-major tables of earlier versions (Float32Array(${pairs}) and Float32Array(${pairs * nStates})) are accepted too.`,
      );
    };
    if (typeof state !== "object" || state === null) return fail(`got ${describeValue(state)}`);
    const { rewardProbabilities, transitionProbabilities } = state as Record<string, unknown>;
    const rewards = flatProbabilities(rewardProbabilities, [nStates, nActions], "rewardProbabilities", fail);
    const transitions = flatProbabilities(transitionProbabilities, [nStates, nActions, nStates], "transitionProbabilities", fail);
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
    const row = Array.from({ length: nActions }, (_, action) => task.rewardProbabilities[state]![action]!.toFixed(3));
    return `${row.join(", ")} in state ${state}`;
  });
  return `Collect reward in a tabular MDP with ${nStates} states, ${nActions} actions and random transitions, where the actions pay 1 with probabilities ${perState.join("; ")}.`;
}

/**
 * A probability table of shape `dims` as a flat row-major Float32Array (values rounded to float32).
 * Takes nested arrays of that shape (the JSON form) or, as earlier versions stored the tables, one
 * flat typed or number array of the full length; every entry must be a probability.
 */
function flatProbabilities(value: unknown, dims: readonly number[], name: string, fail: (problem: string) => never): Float32Array {
  const length = dims.reduce((product, size) => product * size, 1);
  const out = new Float32Array(length);
  const put = (index: number, entry: unknown, path: string): void => {
    const p = typeof entry === "number" ? Math.fround(entry) : Number.NaN;
    if (!(p >= 0 && p <= 1)) fail(`${path} = ${describeValue(entry)} is not a probability in [0, 1]`);
    out[index] = p;
  };
  const isFlat = value instanceof Float32Array || value instanceof Float64Array || (Array.isArray(value) && typeof value[0] === "number");
  if (isFlat) {
    const flat = value as ArrayLike<unknown>;
    if (flat.length !== length) fail(`${name} has length ${flat.length}, expected ${length} (flat, row-major) or nested arrays of shape [${dims.join("][")}]`);
    for (let i = 0; i < length; i++) put(i, flat[i], `${name}[${i}]`);
    return out;
  }
  // Row-major: the flat index of [i0][i1]...[ik] is ((i0·d1 + i1)·d2 + ...)·dk + ik.
  const visit = (node: unknown, depth: number, offset: number, path: string): void => {
    const size = dims[depth]!;
    if (!Array.isArray(node)) return fail(`${path} is ${describeValue(node)}, expected an array of ${size}`);
    if (node.length !== size) return fail(`${path} has length ${node.length}, expected ${size}`);
    for (let i = 0; i < size; i++) {
      if (depth === dims.length - 1) put(offset * size + i, node[i], `${path}[${i}]`);
      else visit(node[i], depth + 1, offset * size + i, `${path}[${i}]`);
    }
  };
  visit(value, 0, 0, name);
  return out;
}
