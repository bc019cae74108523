import type { MujocoSimulation } from "../mujoco/simulation.js";
import { ArticulatedObject } from "./articulated-object.js";
import { cagingReward, type CagingOptions } from "./gripper-caging.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "./reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, observeSite, placeMocap } from "./scene-access.js";
import { SceneColors, vec } from "./scene.js";
import type { GripperReadings } from "./task.js";

/**
 * The coffee machine of coffee-button, coffee-pull and coffee-push, and its mug.
 *
 * The machine's base (a mocap body, so each configuration moves it without recompiling) stands
 * on the table at its configuration position: a lower body the mug can bump into, an upper body
 * with a hood, a spout over the mug's place 0.22 m in front (−y) of the base, and a round button
 * 0.3 m up whose front face starts 0.22 m in front of the base and slides 3 cm into the hood (no
 * spring: it stays pressed, as the reference's does). The mug is a free cylinder with a handle on
 * its +x side; the observation reports the centre of its base (the body's origin, on the table),
 * as the reference's does (its mug body's own origin, the geoms hanging in a child body).
 */

/** The mug's place under the spout, and the button face, relative to the machine's base. */
export const MUG_UNDER_SPOUT: Vec3 = [0, -0.22, 0];
export const BUTTON_FACE: Vec3 = [0, -0.22, 0.3];
/** How far the button slides in (the reference's max_dist): its goal is the face pushed in this far. */
export const BUTTON_TRAVEL = 0.03;

const MUG_RADIUS = 0.028;
const MUG_HALF_HEIGHT = 0.033;
const MUG_BODY_MASS = 0.1;
const MUG_HANDLE_MASS = 0.01;
const MUG_BODY_CENTRE: Vec3 = [0, 0, 0.035];
const MUG_HANDLE_CENTRE: Vec3 = [0.034, 0, 0.042];
/** Where the expert pinches the mug: half way up its side. */
export const MUG_GRIP_HEIGHT = MUG_BODY_CENTRE[2];

export function coffeeMachineWorldbody(): string {
  return `    <body name="coffee_machine" mocap="true" pos="0 0.9 0">
      <geom name="coffee_machine_lower" type="box" class="fixture" pos="0 0 0.115" size="0.1 0.098 0.115" rgba="${SceneColors.object}"/>
      <geom name="coffee_machine_upper" type="box" class="decor" pos="0 0 0.3" size="0.1 0.098 0.07" rgba="${SceneColors.object}"/>
      <geom name="coffee_machine_hood" type="box" class="decor" pos="0 -0.13 0.3" size="0.1 0.032 0.07" rgba="${SceneColors.object}"/>
      <geom name="coffee_machine_spout" type="cylinder" class="decor" pos="0 -0.141 0.155" size="0.016 0.04" rgba="${SceneColors.handle}"/>
      <body name="coffee_button">
        <joint name="coffee_button_travel" type="slide" axis="0 1 0" range="0 ${BUTTON_TRAVEL}" damping="1" armature="0.001"/>
        <geom name="coffee_button" type="cylinder" class="handle" euler="1.5708 0 0" pos="${vec(0, BUTTON_FACE[1] + 0.03, BUTTON_FACE[2])}" size="0.032 0.03" mass="0.1" rgba="${SceneColors.cabinet}"/>
        <site name="coffee_button_face" pos="${vec(...BUTTON_FACE)}" size="0.005"/>
      </body>
    </body>
    <body name="mug" pos="0 0.68 0">
      <freejoint name="mug"/>
      <geom name="mug" type="cylinder" class="freeObject" pos="${vec(...MUG_BODY_CENTRE)}" size="${vec(MUG_RADIUS, MUG_HALF_HEIGHT)}" mass="${MUG_BODY_MASS}" rgba="0.85 0.85 0.85 1"/>
      <geom name="mug_handle" type="cylinder" class="freeObject" euler="1.5708 0 0" pos="${vec(...MUG_HANDLE_CENTRE)}" size="0.02 0.005" mass="${MUG_HANDLE_MASS}" rgba="0.85 0.85 0.85 1"/>
      <site name="mug_base" pos="0 0 0" size="0.004"/>
    </body>`;
}

/** The machine, its button and the mug in one simulation. */
export class CoffeeScene {
  readonly button: ArticulatedObject;
  private readonly machineSlot: number;
  private readonly mug: FreeJoint;
  private readonly mugSite: number;

  constructor(private readonly simulation: MujocoSimulation) {
    this.button = new ArticulatedObject(simulation, { base: "coffee_machine", joint: "coffee_button_travel", handleSite: "coffee_button_face", movingBody: "coffee_button" });
    this.machineSlot = mocapSlot(simulation, "coffee_machine");
    this.mug = new FreeJoint(simulation, "mug");
    this.mugSite = simulation.id("site", "mug_base");
  }

  /** Puts the machine's base at `machine` (button out) and the mug's base at `mug`, upright and at rest. */
  place(machine: Vec3, mug: Vec3): void {
    placeMocap(this.simulation, this.machineSlot, machine);
    this.button.joint.value = 0;
    this.mug.place(mug);
  }

  /** Object 1 = the centre of the mug's base and its orientation (w, x, y, z); object 2 unused. */
  observeMug(out: Float32Array, offset: number): void {
    observeSite(this.simulation, this.mugSite, out, offset);
    this.mug.observeQuaternion(out, offset + 3);
    clearObjectSlot(out, offset + 7);
  }
}

/** The mug rewards' caging parameters (the reference's). */
const MUG_CAGING: CagingOptions = { objectRadius: 0.02, padThreshold: 0.05, xzThreshold: 0.05, mediumDensityReachRadius: 0.04 };

/** The commanded effort the coffee mug rewards count as fully closed (the reference's desired_gripper_effort). */
const DESIRED_GRIPPER_EFFORT = 0.7;

/**
 * The gripper readings with the commanded action divided by DESIRED_GRIPPER_EFFORT, so that the
 * shared caging reward's clip(a, 0, 1) becomes the reference's clip(a, 0, 0.7) / 0.7. One per
 * bound task, re-pointed at each step's readings (no allocation per step).
 */
class EffortScaledReadings implements GripperReadings {
  source!: GripperReadings;
  get tcp(): Readonly<Float64Array> {
    return this.source.tcp;
  }
  get padHighY(): number {
    return this.source.padHighY;
  }
  get padLowY(): number {
    return this.source.padLowY;
  }
  get initialTcp(): Readonly<Float64Array> {
    return this.source.initialTcp;
  }
  get initialPadHighY(): number {
    return this.source.initialPadHighY;
  }
  get initialPadLowY(): number {
    return this.source.initialPadLowY;
  }
  get gripperAction(): number {
    return this.source.gripperAction / DESIRED_GRIPPER_EFFORT;
  }
}

/**
 * The reward of coffee-pull and coffee-push (one function in the reference too), one per bound
 * task; `evaluate` updates the fields in place (no allocation per step). in-place = long-tail
 * tolerance of ‖(2, 2, 1) ⊙ (mug − goal)‖ within 5 cm, margin the same for the mug's placed base
 * at reset; grasp = the caging reward (object radius 2 cm, pads within 5 cm, TCP within 5 cm in
 * x–z, commanded effort counted full at 0.7, medium density with a 4 cm reach term); reward =
 * Hamacher(grasp, in-place), plus 1 + 5 · in-place while the TCP is within 4 cm of the mug and the
 * observed opening is above 0; 10 once the scaled distance is below 5 cm.
 */
export class MugReward {
  reward = 0;
  grasp = 0;
  inPlace = 0;
  /** ‖(2, 2, 1) ⊙ (mug − goal)‖: the distance the reward's jump to 10 thresholds. */
  scaledToGoal = 0;
  /** ‖mug − goal‖: the distance the success test thresholds. */
  toGoal = 0;
  tcpToMug = 0;
  private readonly scaledReadings = new EffortScaledReadings();

  evaluate(mug: Vec3, mugStart: Vec3, goal: Vec3, opening: number, gripper: GripperReadings): void {
    this.scaledToGoal = scaledDistance(mug, goal);
    this.inPlace = longTailTolerance(this.scaledToGoal, 0.05, scaledDistance(mugStart, goal));
    this.scaledReadings.source = gripper;
    this.grasp = cagingReward(this.scaledReadings, mug, mugStart, MUG_CAGING);
    const tcp = gripper.tcp;
    this.tcpToMug = Math.hypot(mug[0] - tcp[0]!, mug[1] - tcp[1]!, mug[2] - tcp[2]!);
    let reward = hamacherProduct(this.grasp, this.inPlace);
    if (this.tcpToMug < 0.04 && opening > 0) reward += 1 + 5 * this.inPlace;
    this.reward = this.scaledToGoal < 0.05 ? 10 : reward;
    this.toGoal = Math.hypot(mug[0] - goal[0], mug[1] - goal[1], mug[2] - goal[2]);
  }
}

/** The distance with x and y counted twice (the reference's emphasis on the table-plane error). */
function scaledDistance(a: Vec3, b: Vec3): number {
  return Math.hypot(2 * (a[0] - b[0]), 2 * (a[1] - b[1]), a[2] - b[2]);
}
