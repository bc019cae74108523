import type { Rng } from "../../core/rng.js";
import type { MujocoSimulation } from "./simulation.js";

/** A task's logic bound to one compiled model (ids resolved once, not per step). */
export interface BoundControlTask {
  /** Sets the episode's initial state after `resetData()`; the env calls `forward()` next. */
  initializeEpisode(rng: Rng): void;
  /** Writes the state observation (length `observationSize`) into `out`. */
  observe(out: Float32Array): void;
  /** Reward of the control step that just ended, in [0, 1]. */
  reward(action: Float32Array): number;
}

/**
 * A DeepMind-Control-style task on one domain: how to start an episode, what to observe, what to
 * reward, and the timing. The physics comes from a `TaskFamily` (one model per variant).
 */
export interface ControlTask {
  /** e.g. "cartpole". */
  readonly domain: string;
  /** e.g. "swingup". */
  readonly task: string;
  /**
   * What the agent must do, in one plain English sentence (capitalised, full stop); the env's
   * describeTask starts with it and adds the variant's parameter, if the family varies one.
   */
  readonly description: string;
  readonly observationSize: number;
  /** Physics steps (model timestep) per control step. */
  readonly physicsStepsPerControlStep: number;
  /** Control steps per episode (DMC: time limit / control timestep = 1000 everywhere here). */
  readonly controlStepsPerEpisode: number;
  /** Name of the camera used for pixel observations. */
  readonly camera: string;
  bind(simulation: MujocoSimulation): BoundControlTask;
}

/**
 * The task's physics variants: one MJCF per variant, all generated from one template. Plain
 * (single-task) environments have one variant; the HiP-BMDP families have ten.
 */
export interface TaskFamily {
  /** e.g. "torso half-length"; empty for a single variant. */
  readonly parameterName: string;
  /** Unit of the parameter in task descriptions, e.g. "m"; empty for a dimensionless one (friction). */
  readonly unit: string;
  /** The varied parameter's value per variant. */
  readonly values: readonly number[];
  /** MJCF of variant `index`. */
  xml(index: number): string;
}

/** Episode length shared by the DMC-style tasks. */
export const CONTROL_STEPS_PER_EPISODE = 1000;

/** `count` evenly spaced values from `first` to `last` inclusive (the HiP-BMDP variant grids). */
export function evenlySpaced(first: number, last: number, count: number): number[] {
  if (count === 1) return [first];
  return Array.from({ length: count }, (_, i) => Number((first + ((last - first) * i) / (count - 1)).toFixed(6)));
}

/** Sets every limited hinge/slide joint uniformly inside its range and every unlimited hinge in [-π, π). */
export function randomizeLimitedJoints(simulation: MujocoSimulation, jointNames: readonly string[], rng: Rng): void {
  const qpos = simulation.qpos;
  for (const name of jointNames) {
    const [low, high] = simulation.jointRange(name);
    const address = simulation.jointQposAddress(name);
    qpos[address] = Number.isFinite(low) && Number.isFinite(high) ? rng.uniform(low, high) : rng.uniform(-Math.PI, Math.PI);
  }
}
