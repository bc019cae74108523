import type { MujocoSimulation } from "../mujoco/simulation.js";
import { Observation } from "./observation-layout.js";
import { distance3, linearTolerance, longTailTolerance } from "./reward-shaping.js";
import { ScalarJoint, clearObjectSlot, mocapSlot, observeBodyQuaternion, observeSite, placeMocap } from "./scene-access.js";
import type { StepEvaluation, TaskConfiguration } from "./task.js";

/**
 * An object on one joint (drawer, door, window sash, button) whose fixed base is a mocap body, so
 * that each configuration moves the whole thing without recompiling. Object 1 in the observation
 * is its handle site and the moving body's orientation; object 2 is unused.
 */
export class ArticulatedObject {
  private readonly baseSlot: number;
  readonly joint: ScalarJoint;
  private readonly handleSite: number;
  private readonly movingBody: number;

  constructor(
    private readonly simulation: MujocoSimulation,
    names: { base: string; joint: string; handleSite: string; movingBody: string },
  ) {
    this.baseSlot = mocapSlot(simulation, names.base);
    this.joint = new ScalarJoint(simulation, names.joint);
    this.handleSite = simulation.id("site", names.handleSite);
    this.movingBody = simulation.id("body", names.movingBody);
  }

  /** Places the base at the configuration's object position with the joint at `jointPosition`. */
  reset(configuration: TaskConfiguration, jointPosition: number): void {
    placeMocap(this.simulation, this.baseSlot, configuration.object);
    this.joint.value = jointPosition;
  }

  observeObjects(out: Float32Array, offset: number): void {
    observeSite(this.simulation, this.handleSite, out, offset);
    observeBodyQuaternion(this.simulation, this.movingBody, out, offset + 3);
    clearObjectSlot(out, offset + 7);
  }
}

/**
 * The reward of the "move a handle to its goal" tasks (drawers, windows): in [0, 10],
 * 5 · reach (long-tail tolerance of ‖TCP − handle‖ within `reachRadius`, margin the starting
 * distance) + 5 · progress (linear tolerance of ‖handle − goal‖ within the success threshold,
 * margin the starting handle-to-goal distance); 10 on success.
 */
export function handleToGoalEvaluation(observation: Float32Array, initial: Float32Array, successDistance: number, reachRadius: number): StepEvaluation {
  const handleToGoal = distance3(observation, Observation.object1Position, observation, Observation.goal);
  if (handleToGoal <= successDistance) return { reward: 10, success: true };
  const reach = longTailTolerance(
    distance3(observation, Observation.hand, observation, Observation.object1Position),
    reachRadius,
    distance3(initial, Observation.hand, initial, Observation.object1Position),
  );
  const progress = linearTolerance(handleToGoal, successDistance, distance3(initial, Observation.object1Position, initial, Observation.goal));
  return { reward: Math.min(10, 5 * reach + 5 * progress), success: false };
}
