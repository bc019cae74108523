import { ClosedEnvironmentError, InvalidActionError, ResetNeededError, SeedError, describeValue } from "../core/errors.js";
import { findTaskSet } from "../core/task-set.js";
import type { MTEnv, MTObs } from "../core/types.js";
import { Box } from "../spaces/box.js";
import { DictSpace } from "../spaces/dict.js";
import { Discrete } from "../spaces/discrete.js";
import { MultiBinary } from "../spaces/multi-binary.js";
import { MultiDiscrete } from "../spaces/multi-discrete.js";
import { Space } from "../spaces/space.js";
import { allFinite, deepEqual } from "./deep-equal.js";
import { findNonJsonValue } from "./json-data.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CheckedEnv = MTEnv<any, any, any, any>;

export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  /** What was checked, or why it failed. */
  readonly message: string;
  readonly durationMs: number;
}

export interface CheckReport {
  readonly passed: boolean;
  readonly results: readonly CheckResult[];
}

export interface CheckEnvOptions {
  /** Environment seed (reset) for the rollouts. Default 5, as the reference conformance test. */
  seed?: number;
  /** Task seed (seedTask). Default 15, as the reference. */
  taskSeed?: number;
  /** Steps of the random rollout whose observations are checked. Default 200. */
  rolloutSteps?: number;
  /** Steps compared by the determinism and task-state checks. Default 50. */
  compareSteps?: number;
}

/**
 * Runs small named checks on an environment, Gymnasium's check_env extended with MTEnv's task
 * API. Pass a factory so that the checks which need a fresh instance (seed guards, step before
 * reset, close) can run; every instance it creates is closed.
 */
export function checkEnv(makeEnv: () => CheckedEnv, options: CheckEnvOptions = {}): CheckReport {
  const settings = { seed: 5, taskSeed: 15, rolloutSteps: 200, compareSteps: 50, ...options };
  const results: CheckResult[] = [];
  const opened: CheckedEnv[] = [];
  const fresh = (): CheckedEnv => {
    const env = makeEnv();
    opened.push(env);
    return env;
  };
  try {
    for (const [name, check] of CHECKS) {
      const started = performance.now();
      let passed = true;
      let message: string;
      try {
        message = check(fresh, settings);
      } catch (error) {
        passed = false;
        message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      results.push({ name, passed, message, durationMs: performance.now() - started });
    }
  } finally {
    for (const env of opened) {
      try {
        env.close();
      } catch {
        // Already closed by the close check: nothing to release.
      }
    }
  }
  return { passed: results.every((r) => r.passed), results };
}

type Settings = Required<CheckEnvOptions>;
type Check = (fresh: () => CheckedEnv, settings: Settings) => string;

/** Thrown inside a check to fail it with a message. */
class CheckFailure extends Error {}

/** `message` may be a function so that costly descriptions (pixel observations) are built only on failure. */
function expect(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new CheckFailure(typeof message === "function" ? message() : message);
}

function seeded(fresh: () => CheckedEnv, settings: Settings): CheckedEnv {
  const env = fresh();
  env.seedTask(settings.taskSeed);
  env.resetTaskState();
  return env;
}

function expectThrows(action: () => unknown, errorClass: new (...args: never[]) => Error, what: string): void {
  try {
    action();
  } catch (error) {
    expect(error instanceof errorClass, `${what}: expected ${errorClass.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return;
  }
  throw new CheckFailure(`${what}: expected ${errorClass.name}, but nothing was thrown`);
}

interface Trajectory {
  observations: MTObs<unknown, unknown>[];
  rewards: number[];
  flags: string[];
}

/** Resets with `seed`, then steps `steps` actions from a freshly seeded action space. */
function rollout(env: CheckedEnv, seed: number, steps: number): Trajectory {
  env.actionSpace.seed(seed);
  const [first] = env.reset({ seed });
  const trajectory: Trajectory = { observations: [first], rewards: [], flags: [] };
  for (let t = 0; t < steps; t++) {
    const [observation, reward, terminated, truncated] = env.step(env.actionSpace.sample());
    trajectory.observations.push(observation);
    trajectory.rewards.push(reward);
    trajectory.flags.push(`${terminated}/${truncated}`);
    if (terminated || truncated) trajectory.observations.push(env.reset()[0]);
  }
  return trajectory;
}

function firstDifference(a: Trajectory, b: Trajectory): string | undefined {
  const length = Math.max(a.observations.length, b.observations.length);
  for (let i = 0; i < length; i++) {
    if (!deepEqual(a.observations[i], b.observations[i])) return `observation ${i} differs: ${describeValue(a.observations[i])} vs ${describeValue(b.observations[i])}`;
  }
  for (let i = 0; i < Math.max(a.rewards.length, b.rewards.length); i++) {
    if (!Object.is(a.rewards[i], b.rewards[i])) return `reward ${i} differs: ${a.rewards[i]} vs ${b.rewards[i]}`;
    if (a.flags[i] !== b.flags[i]) return `terminated/truncated ${i} differs: ${a.flags[i]} vs ${b.flags[i]}`;
  }
  return undefined;
}

/** Actions that every environment must reject with InvalidActionError. */
function invalidActions(space: Space<unknown>): Array<[string, unknown]> {
  const cases: Array<[string, unknown]> = [["a string", "left"], ["undefined", undefined]];
  if (space instanceof Box) {
    cases.push(["a Float32Array of the wrong length", new Float32Array(space.size + 1)]);
    cases.push(["a NaN-filled action", new Float32Array(space.size).fill(Number.NaN)]);
  } else if (space instanceof Discrete) {
    cases.push(["an action past the last index", space.start + space.n]);
    cases.push(["a fractional action", space.start + 0.5]);
    cases.push(["NaN", Number.NaN]);
  } else if (space instanceof MultiDiscrete) {
    cases.push(["an Int32Array of the wrong length", new Int32Array(space.nvec.length + 1)]);
  } else if (space instanceof MultiBinary) {
    cases.push(["a Uint8Array of the wrong length", new Uint8Array(space.n + 1)]);
  }
  return cases;
}

const CHECKS: ReadonlyArray<[string, Check]> = [
  [
    "spaces",
    (fresh) => {
      const env = fresh();
      expect(env.actionSpace instanceof Space, () => `actionSpace must be a Space, got ${describeValue(env.actionSpace)}`);
      expect(env.observationSpace instanceof DictSpace, "observationSpace must be a DictSpace of {envObs, taskObs}");
      const keys = [...env.observationSpace.keys].sort().join(",");
      expect(keys === "envObs,taskObs", `observationSpace keys must be envObs and taskObs, got ${keys}`);
      return `action ${env.actionSpace.toString()}; observation keys envObs, taskObs`;
    },
  ],
  [
    "seed guards",
    (fresh) => {
      const env = fresh();
      expectThrows(() => env.reset(), SeedError, "reset() before any seed");
      expectThrows(() => env.sampleTaskState(), SeedError, "sampleTaskState() before seedTask()");
      return "reset() and sampleTaskState() refuse to run unseeded";
    },
  ],
  [
    "step before reset",
    (fresh) => {
      const env = fresh();
      env.seedTask(1);
      env.resetTaskState();
      expectThrows(() => env.step(env.actionSpace.sample()), ResetNeededError, "step() before reset()");
      return "step() before reset() throws ResetNeededError";
    },
  ],
  [
    "reference conformance",
    (fresh, settings) => {
      // The reference validate_mtenv: 10 × (resetTaskState, reset), 3 steps each.
      const env = fresh();
      env.seedTask(settings.taskSeed);
      for (let i = 0; i < 10; i++) {
        env.resetTaskState();
        const result = env.reset({ seed: settings.seed + i });
        expect(Array.isArray(result) && result.length === 2, () => `reset() must return [observation, info], got ${describeValue(result)}`);
        const [observation, info] = result;
        expect(typeof observation === "object" && observation !== null && "envObs" in observation && "taskObs" in observation, () => `reset() observation must have envObs and taskObs, got ${describeValue(observation)}`);
        expect(typeof info === "object" && info !== null, () => `reset() info must be an object, got ${describeValue(info)}`);
        for (let t = 0; t < 3; t++) {
          const step = env.step(env.actionSpace.sample());
          expect(Array.isArray(step) && step.length === 5, () => `step() must return [obs, reward, terminated, truncated, info], got length ${describeValue((step as unknown[]).length)}`);
          const [, reward, terminated, truncated, stepInfo] = step;
          expect(typeof reward === "number", () => `reward must be a number, got ${describeValue(reward)}`);
          expect(typeof terminated === "boolean" && typeof truncated === "boolean", () => `terminated/truncated must be booleans, got ${describeValue(terminated)}/${describeValue(truncated)}`);
          expect(typeof stepInfo === "object" && stepInfo !== null, () => `info must be an object, got ${describeValue(stepInfo)}`);
          if (terminated || truncated) break;
        }
      }
      return "10 task resets × 3 steps with the right types";
    },
  ],
  [
    "observations in space",
    (fresh, settings) => {
      const env = seeded(fresh, settings);
      const space = env.observationSpace;
      const trajectory = rollout(env, settings.seed, settings.rolloutSteps);
      trajectory.observations.forEach((observation, i) => {
        const reason = space.explainMismatch(observation);
        expect(reason === undefined, `observation ${i} is outside observationSpace: ${reason}`);
      });
      return `${trajectory.observations.length} observations (envObs and taskObs) inside their spaces`;
    },
  ],
  [
    "finite values",
    (fresh, settings) => {
      const env = seeded(fresh, settings);
      const trajectory = rollout(env, settings.seed + 1, settings.rolloutSteps);
      trajectory.observations.forEach((observation, i) => expect(allFinite(observation), () => `observation ${i} has NaN or infinity: ${describeValue(observation)}`));
      trajectory.rewards.forEach((reward, i) => expect(Number.isFinite(reward), `reward ${i} is ${reward}`));
      return `${trajectory.rewards.length} rewards and all observations finite`;
    },
  ],
  [
    "determinism",
    (fresh, settings) => {
      const first = rollout(seeded(fresh, settings), settings.seed, settings.compareSteps);
      const second = rollout(seeded(fresh, settings), settings.seed, settings.compareSteps);
      const difference = firstDifference(first, second);
      expect(difference === undefined, `two instances with the same seeds diverged: ${difference}`);
      const again = rollout(seeded(fresh, settings), settings.seed + 1, settings.compareSteps);
      const reseeded = firstDifference(first, again);
      return `same seeds ⇒ identical ${settings.compareSteps}-step trajectories${reseeded === undefined ? " (note: a different seed gave the same trajectory)" : ""}`;
    },
  ],
  [
    "task state round trip",
    (fresh, settings) => {
      const env = seeded(fresh, settings);
      const saved = env.getTaskState();
      const reference = rollout(env, settings.seed, settings.compareSteps);
      // Visit other tasks, then come back to the saved state.
      for (let i = 0; i < 3; i++) env.resetTaskState();
      env.setTaskState(saved);
      expect(deepEqual(env.getTaskState(), saved), () => `getTaskState() after setTaskState(s) differs from s: ${describeValue(env.getTaskState())} vs ${describeValue(saved)}`);
      const replay = rollout(env, settings.seed, settings.compareSteps);
      const difference = firstDifference(reference, replay);
      expect(difference === undefined, `restoring the task state did not restore the dynamics: ${difference}`);
      const other = fresh();
      other.seedTask(settings.taskSeed + 99);
      other.setTaskState(saved);
      const transplanted = rollout(other, settings.seed, settings.compareSteps);
      const transplantDifference = firstDifference(reference, transplanted);
      expect(transplantDifference === undefined, `the task state moved to a new instance gave other dynamics: ${transplantDifference}`);
      return "get → set → same dynamics, on the same and on a new instance";
    },
  ],
  [
    "task state survives JSON",
    (fresh, settings) => {
      // Task definitions are stored in checkpoints and configs and sent between processes as JSON,
      // so a task state must be plain data that JSON gives back unchanged.
      const env = seeded(fresh, settings);
      const state: unknown = env.getTaskState();
      const plainJson = "task states must be plain JSON data (numbers, strings, booleans, null, arrays and plain objects) so that a task definition can be stored and sent";
      const stateProblem = findNonJsonValue(state, "getTaskState()");
      expect(stateProblem === undefined, () => `${stateProblem}; ${plainJson}`);
      const sampledProblem = findNonJsonValue(env.sampleTaskState(), "sampleTaskState()");
      expect(sampledProblem === undefined, () => `${sampledProblem}; ${plainJson}`);
      const taskSet = findTaskSet(env);
      const listedProblem = taskSet === undefined ? undefined : findNonJsonValue([...taskSet], "listTaskStates()");
      expect(listedProblem === undefined, () => `${listedProblem}; ${plainJson}`);
      const parsed: unknown = JSON.parse(JSON.stringify(state));
      // Two instances with the same seeds, one given the state and one its JSON copy: any
      // difference between them comes from the trip through JSON.
      const original = seeded(fresh, settings);
      original.setTaskState(state);
      const copy = seeded(fresh, settings);
      copy.setTaskState(parsed);
      expect(deepEqual(copy.getTaskObs(), original.getTaskObs()), () => `the JSON copy of the task state gives another task observation: ${describeValue(copy.getTaskObs())} vs ${describeValue(original.getTaskObs())}`);
      const difference = firstDifference(rollout(original, settings.seed, settings.compareSteps), rollout(copy, settings.seed, settings.compareSteps));
      expect(difference === undefined, `the JSON copy of the task state gave other dynamics: ${difference}`);
      const listed = taskSet === undefined ? "" : ` (as are all ${taskSet.length} listed task states)`;
      return `getTaskState() is plain JSON${listed}; its JSON copy gives the same taskObs and ${settings.compareSteps}-step trajectory`;
    },
  ],
  [
    "bad actions rejected",
    (fresh, settings) => {
      const env = seeded(fresh, settings);
      const cases = invalidActions(env.actionSpace);
      for (const [what, action] of cases) {
        env.reset({ seed: settings.seed });
        expectThrows(() => env.step(action as never), InvalidActionError, `step(${what})`);
      }
      return `${cases.length} bad actions (${cases.map(([what]) => what).join("; ")}) throw InvalidActionError`;
    },
  ],
  [
    "close",
    (fresh, settings) => {
      const env = seeded(fresh, settings);
      env.reset({ seed: settings.seed });
      env.close();
      expectThrows(() => env.reset({ seed: settings.seed }), ClosedEnvironmentError, "reset() after close()");
      return "reset() after close() throws ClosedEnvironmentError";
    },
  ],
];

/** Names of the checks in the order they run. */
export const CHECK_NAMES: readonly string[] = CHECKS.map(([name]) => name);

// The table lives in its own file; re-exported for the callers that import it from here.
export { formatCheckReport } from "./format-report.js";

