import { ConfigError, describeValue } from "../../core/errors.js";
import { MTEnvBase } from "../../core/mt-env.js";
import type { Rng } from "../../core/rng.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import type { Space } from "../../spaces/space.js";
import type { MujocoSimulation } from "../mujoco/simulation.js";
import { DEFAULT_BENCHMARK_SEED } from "./configurations.js";
import { Observation } from "./observation-layout.js";
import type { TabletopSimulation } from "./tabletop-simulation.js";
import type { TaskConfiguration } from "./task.js";

/** How the task is shown to the agent: its index (Discrete) or the one-hot vector (Box). */
export type TaskObservationMode = "index" | "one-hot";
export type MetaWorldTaskObs = number | Float32Array;

/** Episode length of the v2 benchmark; the reference MTRL trained with 150 (v1). */
export const DEFAULT_EPISODE_LENGTH = 500;

export interface ManipulationEnvOptions {
  /** Steps per episode; the episode then ends *truncated* (never terminated). */
  episodeLength: number;
  taskObservation: TaskObservationMode;
  /**
   * The seed the tasks' 50 configurations are drawn from (the reference's `MT10(seed=...)`);
   * DEFAULT_BENCHMARK_SEED when omitted.
   */
  benchmarkSeed?: number;
}

/**
 * The `info` of every step: `success` (a boolean here, a 0/1 float in the reference) and the
 * reference's diagnostics under camelCase names — near_object, grasp_success, grasp_reward,
 * in_place_reward, obj_to_target, unscaled_reward (the reward itself, as in the reference).
 */
export interface ManipulationStepInfo {
  success: boolean;
  nearObject: number;
  graspSuccess: boolean;
  graspReward: number;
  inPlaceReward: number;
  objectToTarget: number;
  unscaledReward: number;
  /** Present (true) on the step that reaches episodeLength. */
  timeLimitReached?: true;
}

/** The hand bounds of the reference's observation space (a little wider than the mocap bounds). */
const HAND_LOW = [-0.525, 0.348, -0.0525];
const HAND_HIGH = [0.525, 1.025, 0.7];

/** The 39-dim observation space: bounded hand and gripper opening, unbounded objects and goal. */
export function manipulationObservationSpace(): Box {
  const low = new Float32Array(Observation.size).fill(-Infinity);
  const high = new Float32Array(Observation.size).fill(Infinity);
  for (const frame of [0, Observation.previousFrame]) {
    low.set(HAND_LOW, frame + Observation.hand);
    high.set(HAND_HIGH, frame + Observation.hand);
    low[frame + Observation.gripperOpening] = 0;
    high[frame + Observation.gripperOpening] = 1;
  }
  return new Box(low, high);
}

/**
 * The shared episode logic of the Meta-World-style environments: 4-D actions in [−1, 1] (values
 * outside are clipped, NaN or wrong shapes throw InvalidActionError), the 39-dim observation,
 * the task's shaped reward in [0, 10], ManipulationStepInfo at every step, and truncation after
 * `episodeLength` steps. Subclasses decide which task scene is active and which of its fixed
 * configurations an episode uses.
 */
export abstract class ManipulationEnvBase extends MTEnvBase<Float32Array, MetaWorldTaskObs, Float32Array, number> {
  readonly options: Readonly<ManipulationEnvOptions>;
  private stepsTaken = 0;

  constructor(
    /** Number of task states (one-hot width). */
    protected readonly taskStateCount: number,
    options: ManipulationEnvOptions,
  ) {
    if (!Number.isInteger(options.episodeLength) || options.episodeLength <= 0) {
      throw new ConfigError(`episodeLength must be a positive integer (500 for v2, 150 as the reference MTRL), got ${describeValue(options.episodeLength)}.`);
    }
    const seed = options.benchmarkSeed;
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      throw new ConfigError(`benchmarkSeed must be an integer in [0, 2^32 − 1] (the seed of the tasks' 50 configurations), got ${describeValue(seed)}. Omit it for the default benchmark seed.`);
    }
    const taskSpace: Space<MetaWorldTaskObs> = options.taskObservation === "index" ? new Discrete(taskStateCount) : new Box(0, 1, { shape: [taskStateCount] });
    super(new Box(-1, 1, { shape: [4] }), manipulationObservationSpace(), taskSpace);
    this.options = Object.freeze({ ...options });
  }

  getTaskObs(): MetaWorldTaskObs {
    const state = this.getTaskState();
    if (this.options.taskObservation === "index") return state;
    const oneHot = new Float32Array(this.taskStateCount);
    oneHot[state] = 1;
    return oneHot;
  }

  sampleTaskState(): number {
    return this.taskRng.integers(0, this.taskStateCount);
  }

  /** Every task state in order: the trainer runs one environment per entry. */
  listTaskStates(): readonly number[] {
    return Array.from({ length: this.taskStateCount }, (_, i) => i);
  }

  /** The seed of the configurations this environment uses. */
  get benchmarkSeed(): number {
    return this.options.benchmarkSeed ?? DEFAULT_BENCHMARK_SEED;
  }

  /** Steps taken in the current episode. */
  get episodeStep(): number {
    return this.stepsTaken;
  }

  /**
   * The MuJoCo simulation of the current task (created on first use), read-only for viewers and
   * tools that draw the scene (the browser viewer's 3-D view reads its geoms' poses).
   */
  get physics(): MujocoSimulation {
    return this.activeSimulation().simulation;
  }

  /** The scene of the current task, created on first use. */
  protected abstract activeSimulation(): TabletopSimulation;

  /** The configuration of a new episode (`rng` is the environment stream). */
  protected abstract episodeConfiguration(rng: Rng, options: Record<string, unknown>): TaskConfiguration;

  protected resetEnv(rng: Rng, options: Record<string, unknown>): [Float32Array, Info] {
    const configuration = this.episodeConfiguration(rng, options);
    this.stepsTaken = 0;
    return [this.activeSimulation().reset(configuration), {}];
  }

  protected stepEnv(action: Float32Array): [Float32Array, number, boolean, boolean, Info] {
    const simulation = this.activeSimulation();
    const observation = simulation.step(action);
    const evaluation = simulation.evaluate();
    this.stepsTaken += 1;
    const truncated = this.stepsTaken >= this.options.episodeLength;
    const info: ManipulationStepInfo = {
      success: evaluation.success,
      nearObject: evaluation.nearObject,
      graspSuccess: evaluation.graspSuccess,
      graspReward: evaluation.graspReward,
      inPlaceReward: evaluation.inPlaceReward,
      objectToTarget: evaluation.objectToTarget,
      unscaledReward: evaluation.reward,
    };
    if (truncated) info.timeLimitReached = true;
    return [observation, evaluation.reward, false, truncated, info as unknown as Info];
  }
}
