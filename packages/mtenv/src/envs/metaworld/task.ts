import { MTError } from "../../core/errors.js";
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
  /** A second placed object, for tasks with two (e.g. stick-pull's thermos, bin-picking's bins). */
  readonly secondObject?: Vec3;
}

/**
 * What a task's reward function returns for one step: the reward and the diagnostics the
 * reference puts in `info` (their reference names in brackets; `unscaled_reward` is the reward).
 */
export interface StepEvaluation {
  /** Shaped reward in [0, 10]. */
  readonly reward: number;
  /** The task's success condition holds at this step [success, a 0/1 float in the reference]. */
  readonly success: boolean;
  /** The task's "near the object" reading: a 0/1 flag or a distance, as the reference defines it per task [near_object]. */
  readonly nearObject: number;
  /** The task's grasp test [grasp_success]. */
  readonly graspSuccess: boolean;
  /** The grasp / reach term of the reward, in [0, 1] [grasp_reward]. */
  readonly graspReward: number;
  /** The "object at the goal" term of the reward, in [0, 1] [in_place_reward]. */
  readonly inPlaceReward: number;
  /** The distance the success test thresholds (0 where the reference reports 0) [obj_to_target]. */
  readonly objectToTarget: number;
}

/**
 * What the rewards read besides the observation, as the reference's do: the tool centre point
 * (midpoint of the fingertips), the y of the two finger pads, their values right after reset, and
 * the commanded gripper action of this step.
 */
export interface GripperReadings {
  /** Midpoint of the two fingertips (the reference's tcp_center), xyz. */
  readonly tcp: Readonly<Float64Array>;
  /** y of the pad on the +y side (the reference's left pad) and on the −y side (its right pad). */
  readonly padHighY: number;
  readonly padLowY: number;
  /** The same three right after reset (the reference's init_tcp, init_left_pad, init_right_pad). */
  readonly initialTcp: Readonly<Float64Array>;
  readonly initialPadHighY: number;
  readonly initialPadLowY: number;
  /** The commanded a[3] of this step, as given (≤ 0 open, > 0 closing). */
  readonly gripperAction: number;
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
   * Reward, success and diagnostics for the 39-dim `observation` of this step; `initial` is the
   * observation at reset (its distances scale the reward margins, as in the reference).
   */
  evaluate(observation: Float32Array, initial: Float32Array, gripper: GripperReadings): StepEvaluation;
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
  /** The success threshold (metres), as documented. */
  readonly successThreshold: number;
  /** Where the hand (obs[0:3], the mocap point) starts: the reference's hand_init_pos. */
  readonly handStart: Vec3;
  /**
   * Draws one configuration, redrawing while objects would overlap (the reference's rejection
   * sampling); called 50 times from the benchmark seed's stream to make the task's set.
   */
  sampleConfiguration(rng: Rng): TaskConfiguration;
  bind(simulation: MujocoSimulation): BoundTask;
  /** A fresh scripted expert for one episode. */
  createExpert(): ExpertPolicy;
}

/** Uniform draw inside the axis-aligned box [low, high]. */
export function uniformIn(rng: Rng, low: Vec3, high: Vec3): Vec3 {
  return [rng.uniform(low[0], high[0]), rng.uniform(low[1], high[1]), rng.uniform(low[2], high[2])];
}

/**
 * Draws with `draw` until `separated` accepts the result (the reference's rejection loops that
 * keep objects and goals apart). Gives up loudly rather than spin on an impossible condition.
 */
export function drawUntil<T>(draw: () => T, separated: (candidate: T) => boolean): T {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const candidate = draw();
    if (separated(candidate)) return candidate;
  }
  throw new MTError("A task drew 1000 configurations in a row that broke its separation rule; its object and goal ranges cannot satisfy it. Widen the ranges or relax the rule.");
}

/** The reference's usual rejection rule: object and goal at least 15 cm apart in xy. */
export const OBJECT_GOAL_SEPARATION = 0.15;

/**
 * Object and goal drawn uniformly in their boxes (object first), redrawn until they are at least
 * `minimumSeparation` apart in xy: the rejection loop that most of the reference's tasks share,
 * so that no configuration starts with the object already at its goal.
 */
export function drawObjectAndGoalApart(
  rng: Rng,
  objectRange: readonly [Vec3, Vec3],
  goalRange: readonly [Vec3, Vec3],
  minimumSeparation = OBJECT_GOAL_SEPARATION,
): { object: Vec3; goal: Vec3 } {
  return drawUntil(
    () => ({ object: uniformIn(rng, objectRange[0], objectRange[1]), goal: uniformIn(rng, goalRange[0], goalRange[1]) }),
    (candidate) => planarDistance(candidate.object, candidate.goal) >= minimumSeparation,
  );
}

/** Horizontal (xy) distance between two points. */
export function planarDistance(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
