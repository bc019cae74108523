import type { MujocoSimulation } from "../mujoco/simulation.js";
import type { Vec3 } from "./reward-shaping.js";
import { ScalarJoint, clearObjectSlot, mocapSlot, observeBodyQuaternion, observeSite, placeMocap } from "./scene-access.js";
import type { TaskConfiguration } from "./task.js";

/**
 * An object on one joint (drawer, door, window sash, button) whose fixed base is a mocap body, so
 * that each configuration moves the whole thing without recompiling. Object 1 in the observation
 * is its handle site (shifted by `observedOffset`, for tasks whose reference observes a point
 * beside the handle) and the moving body's orientation; object 2 is unused.
 */
export class ArticulatedObject {
  private readonly baseSlot: number;
  readonly joint: ScalarJoint;
  private readonly handleSite: number;
  private readonly movingBody: number;
  private readonly observedOffset: Vec3;

  constructor(
    private readonly simulation: MujocoSimulation,
    names: { base: string; joint: string; handleSite: string; movingBody: string },
    observedOffset: Vec3 = [0, 0, 0],
  ) {
    this.baseSlot = mocapSlot(simulation, names.base);
    this.joint = new ScalarJoint(simulation, names.joint);
    this.handleSite = simulation.id("site", names.handleSite);
    this.movingBody = simulation.id("body", names.movingBody);
    this.observedOffset = observedOffset;
  }

  /** Places the base at the configuration's object position with the joint at `jointPosition`. */
  reset(configuration: TaskConfiguration, jointPosition: number): void {
    placeMocap(this.simulation, this.baseSlot, configuration.object);
    this.joint.value = jointPosition;
  }

  observeObjects(out: Float32Array, offset: number): void {
    observeSite(this.simulation, this.handleSite, out, offset);
    for (let axis = 0; axis < 3; axis++) out[offset + axis] = out[offset + axis]! + this.observedOffset[axis]!;
    observeBodyQuaternion(this.simulation, this.movingBody, out, offset + 3);
    clearObjectSlot(out, offset + 7);
  }
}
