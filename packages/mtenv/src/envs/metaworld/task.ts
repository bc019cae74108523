import type { Rng } from "../../core/rng.js";
import type { MujocoSimulation } from "../mujoco/simulation.js";
import type { Vec3 } from "./reward-shaping.js";
import type { SceneParts } from "./scene.js";

/** Where a task's objects start and where its goal is: one of the task's 50 fixed configurations. */
export interface TaskConfiguration {
  /** The task's main object (block, peg, door, drawer, button box, window frame) position. */
  readonly object: Vec3;
  /** The goal position shown in the observation. */
  readonly goal: Vec3;
}

/** What a task's reward function returns for one step. */
export interface StepEvaluation {
  /** Shaped reward in [0, 10]. */
  readonly reward: number;
  /** The task's success condition holds at this step. */
  readonly success: boolean;
}

/** A task bound to one simulation of its model: places objects, reads them, scores the state. */
export interface BoundTask {
  /** Places the objects for `configuration` (called after the state was reset to the model's qpos0). */
  reset(configuration: TaskConfiguration): void;
  /**
   * Writes object 1 and object 2 (position + quaternion, 14 values) into `out` at `offset`,
   * zeros for an unused slot.
   */
  observeObjects(out: Float32Array, offset: number): void;
  /**
   * Reward and success for the 39-dim `observation` of this step; `initial` is the observation
   * at reset (its distances scale the reward margins, as in the reference).
   */
  evaluate(observation: Float32Array, initial: Float32Array): StepEvaluation;
}

/** A scripted policy: writes a 4-D action for a 39-dim observation. May keep state per episode. */
export interface ExpertPolicy {
  act(observation: Float32Array, action: Float32Array): void;
}

/**
 * One Meta-World-style manipulation task: its objects, the ranges its configurations are drawn
 * from, its reward and success test, and a scripted expert. Adding a task is one new file that
 * exports one of these and one line in the task catalog.
 */
export interface ManipulationTask {
  /** The reference's name, e.g. "pick-place". */
  readonly name: string;
  /**
   * What the agent must do, in plain English sentences (capitalised, full stops), then what the
   * configurations randomise. It is what describeTask returns for this task, i.e. the task's
   * metadata for encoders that read task descriptions, so tasks must not share one.
   */
  readonly description: string;
  /** The task's objects, placed into the shared tabletop scene. */
  readonly scene: SceneParts;
  /** The success threshold (metres, or radians for angles), as documented. */
  readonly successThreshold: number;
  /** Draws one configuration; called 50 times from a fixed seed to make the task's fixed set. */
  sampleConfiguration(rng: Rng): TaskConfiguration;
  bind(simulation: MujocoSimulation): BoundTask;
  /** A fresh scripted expert for one episode. */
  createExpert(): ExpertPolicy;
}

/** Uniform draw inside the axis-aligned box [low, high]. */
export function uniformIn(rng: Rng, low: Vec3, high: Vec3): Vec3 {
  return [rng.uniform(low[0], high[0]), rng.uniform(low[1], high[1]), rng.uniform(low[2], high[2])];
}
