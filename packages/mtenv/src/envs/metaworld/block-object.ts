import type { MujocoSimulation } from "../mujoco/simulation.js";
import { Observation, objectPosition, objectToGoalDistance } from "./observation-layout.js";
import { tcpDistance } from "./gripper-caging.js";
import { longTailTolerance, type Vec3 } from "./reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, placeMocap } from "./scene-access.js";
import { SceneColors, vec } from "./scene.js";
import { expertTcp, moveTowards } from "./expert-motion.js";
import { GripApproach } from "./grip-approach.js";
import type { BoundTask, ExpertPolicy, GripperReadings, StepEvaluation, TaskConfiguration } from "./task.js";

/**
 * The free block used by reach, push and pick-place (the reference's puck), and the translucent
 * goal marker; plus the pinch test and the scripted pick-and-carry shared by those tasks.
 */

/** Half the block's edge: a 4 cm cube resting with its centre at z = 0.02. */
export const BLOCK_HALF_SIZE = 0.02;
/** The block's object range (the reference's puck range) and its resting height. */
export const BLOCK_LOW: Vec3 = [-0.1, 0.6, 0.02];
export const BLOCK_HIGH: Vec3 = [0.1, 0.7, 0.02];

/** MJCF of the block and a goal marker (a mocap body, so each configuration can move it). */
export function blockWorldbody(): string {
  return `    <body name="block" pos="0 0.6 ${BLOCK_HALF_SIZE}">
      <freejoint name="block"/>
      <geom name="block" type="box" class="freeObject" size="${vec(BLOCK_HALF_SIZE, BLOCK_HALF_SIZE, BLOCK_HALF_SIZE)}" mass="0.05" rgba="${SceneColors.object}"/>
    </body>
    <body name="goal_marker" mocap="true" pos="0 0.85 0.1">
      <geom name="goal_marker" type="sphere" class="decor" size="0.018" rgba="${SceneColors.goal}"/>
    </body>`;
}

/** A block task bound to a simulation: the block and goal marker placed and observed, scored by `evaluate`. */
export function bindBlockTask(simulation: MujocoSimulation, evaluate: BoundTask["evaluate"]): BoundTask {
  const scene = new BlockScene(simulation);
  return {
    reset: (configuration) => scene.reset(configuration),
    observeObjects: (out, offset) => scene.observeObjects(out, offset),
    evaluate,
  };
}

/** The block and goal marker of one simulation. */
export class BlockScene {
  private readonly block: FreeJoint;
  private readonly goalSlot: number;
  constructor(private readonly simulation: MujocoSimulation) {
    this.block = new FreeJoint(simulation, "block");
    this.goalSlot = mocapSlot(simulation, "goal_marker");
  }
  reset(configuration: TaskConfiguration): void {
    this.block.place(configuration.object);
    placeMocap(this.simulation, this.goalSlot, configuration.goal);
  }
  observeObjects(out: Float32Array, offset: number): void {
    this.block.observe(out, offset);
    clearObjectSlot(out, offset + 7);
  }
}

/**
 * Our stand-in for the reference's "touching the main object" (both pads in contact with it): the
 * pads on either side of the object in y, the TCP within 2 cm of it, and the fingers commanded
 * closed. The reference reads MuJoCo's contact list; the geometry test is cheaper and agrees while
 * the block is pinched.
 */
export function isPinching(gripper: GripperReadings, object: Vec3): boolean {
  return gripper.padHighY > object[1] && gripper.padLowY < object[1] && tcpDistance(gripper, object) < 0.02 && gripper.gripperAction > 0;
}

/** The radius of the block tasks' in-place term and of their reward's jump to 10. */
export const BLOCK_TARGET_RADIUS = 0.05;

/** What every block task's reward reads from the step. */
export interface BlockReadings {
  readonly block: Vec3;
  readonly blockStart: Vec3;
  /** The observed gripper opening, obs[3]. */
  readonly opening: number;
  readonly tcpToBlock: number;
  /** ‖block − goal‖. */
  readonly toGoal: number;
  /** Long-tail tolerance of ‖block − goal‖ within BLOCK_TARGET_RADIUS, margin its starting value. */
  readonly inPlace: number;
}

export function readBlock(observation: Float32Array, initial: Float32Array, gripper: GripperReadings): BlockReadings {
  const block = objectPosition(observation);
  const toGoal = objectToGoalDistance(observation);
  return {
    block,
    blockStart: objectPosition(initial),
    opening: observation[Observation.gripperOpening]!,
    tcpToBlock: tcpDistance(gripper, block),
    toGoal,
    inPlace: longTailTolerance(toGoal, BLOCK_TARGET_RADIUS, objectToGoalDistance(initial)),
  };
}

/**
 * A block task's step result: `reward`, or 10 once the block is within BLOCK_TARGET_RADIUS of the
 * goal; success within `successDistance`; the diagnostics, with `grasp` as grasp_reward.
 */
export function blockEvaluation(readings: BlockReadings, gripper: GripperReadings, reward: number, grasp: number, successDistance: number): StepEvaluation {
  return {
    reward: readings.toGoal < BLOCK_TARGET_RADIUS ? 10 : reward,
    success: readings.toGoal <= successDistance,
    ...blockGraspInfo(gripper, readings.block, readings.blockStart, readings.opening),
    graspReward: grasp,
    inPlaceReward: readings.inPlace,
    objectToTarget: readings.toGoal,
  };
}

/**
 * The reference's near_object and grasp_success of the block tasks (push, pick-place): the TCP
 * within 3 cm of the block; the block pinched, the fingers not fully shut and the block lifted
 * more than 2 cm.
 */
export function blockGraspInfo(gripper: GripperReadings, block: Vec3, blockStart: Vec3, opening: number): { nearObject: number; graspSuccess: boolean } {
  return {
    nearObject: tcpDistance(gripper, block) <= 0.03 ? 1 : 0,
    graspSuccess: isPinching(gripper, block) && opening > 0 && block[2] - 0.02 > blockStart[2],
  };
}

/**
 * Scripted pick-and-carry: hover above the block, descend with the fingers open, close, then
 * carry it to `carryTarget(observation)`. Re-approaches if the block slips out.
 */
export function pickAndCarryExpert(carryTarget: (observation: Float32Array) => Vec3): ExpertPolicy {
  const approach = new GripApproach({ closeWithin: 0.008, closingSteps: 10 });
  return {
    act(observation, action) {
      const block: Vec3 = [observation[4]!, observation[5]!, observation[6]!];
      if (approach.advance(observation, expertTcp(observation), block, action)) moveTowards(observation, carryTarget(observation), 1, action);
    },
  };
}
