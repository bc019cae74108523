import type { Vec3 } from "./reward-shaping.js";
import type { BoundTask, GripperReadings, StepEvaluation, TaskConfiguration } from "./task.js";

/** A scene that puts one loose object and the goal marker where a configuration says. */
export interface LooseObjectScene {
  reset(object: Vec3, goal: Vec3): void;
  observeObjects(out: Float32Array, offset: number): void;
}

/** How to bind a task whose reward measures from the reference's start of the object. */
export interface ReferenceStartBinding {
  readonly scene: LooseObjectScene;
  /** Where the scene puts the object for the configured position; the configured position itself by default. */
  readonly placeAt?: (configured: Vec3) => Vec3;
  /** The step's reward; `referenceStart` is the configured object position of this episode. */
  evaluate(observation: Float32Array, gripper: GripperReadings, referenceStart: Vec3): StepEvaluation;
}

/**
 * Binds a task whose reward measures the object's start as the reference does: the configured
 * position (its obj_init_pos, set before the object settles), not the first observation. Where
 * our object rests elsewhere (a block on the raised top, a point observed on a block's face),
 * reading the start from the first observation would move the reward's margins.
 */
export function bindFromReferenceStart(binding: ReferenceStartBinding): BoundTask {
  const { scene, placeAt } = binding;
  let referenceStart: Vec3 = [0, 0, 0];
  return {
    reset(configuration: TaskConfiguration) {
      referenceStart = configuration.object;
      scene.reset(placeAt === undefined ? configuration.object : placeAt(configuration.object), configuration.goal);
    },
    observeObjects: (out, offset) => scene.observeObjects(out, offset),
    evaluate: (observation, _initial, gripper) => binding.evaluate(observation, gripper, referenceStart),
  };
}
