import { MujocoSimulation } from "../mujoco/simulation.js";
import { OPENING_SCALE, Observation } from "./observation-layout.js";
import { FINGER_TRAVEL, MOCAP_ORIGIN, sceneXml } from "./scene.js";
import type { BoundTask, GripperReadings, ManipulationTask, StepEvaluation, TaskConfiguration } from "./task.js";

/** Physics steps per action (the reference's frame_skip). */
export const FRAME_SKIP = 5;
/** An action of 1 moves the mocap target by 1 cm (the reference's action scale 1/100). */
export const ACTION_SCALE = 1 / 100;
/** Bounds of the mocap point (the reference's hand bounds). */
export const MOCAP_LOW = [-0.5, 0.4, 0.05] as const;
export const MOCAP_HIGH = [0.5, 1.0, 0.5] as const;

const compiledXml = new Map<string, string>();

/** The MJCF of a task's scene, built once per process. */
export function taskXml(task: ManipulationTask): string {
  let xml = compiledXml.get(task.name);
  if (xml === undefined) {
    xml = sceneXml(task.scene);
    compiledXml.set(task.name, xml);
  }
  return xml;
}

/** The gripper readings the rewards see, updated in place after every reset and step. */
class MutableGripperReadings implements GripperReadings {
  readonly tcp = new Float64Array(3);
  padHighY = 0;
  padLowY = 0;
  readonly initialTcp = new Float64Array(3);
  initialPadHighY = 0;
  initialPadLowY = 0;
  gripperAction = 0;
}

/**
 * One task's scene in MuJoCo with the gripper's control and the 39-dim observation: the part
 * shared by the MT1 and MT10 environments. Actions, with the reference's meaning: xyz ∈ [−1, 1]
 * moves the mocap target by a/100 m (clipped to the hand bounds); a[3] ≤ 0 opens the fingers
 * fully, a[3] > 0 closes them towards a servo target a[3] metres of closing travel per finger
 * (so anything above 0.05 closes fully, squeezing with the servo's force). Components outside
 * [−1, 1] are clipped first. Each action is held for FRAME_SKIP physics steps.
 */
export class TabletopSimulation {
  readonly simulation: MujocoSimulation;
  private readonly bound: BoundTask;
  private readonly mocap = new Float64Array(3);
  private readonly fingerQposAddress: [number, number];
  private readonly handQposAddress: [number, number, number];
  private readonly handSite: number;
  private readonly fingertipSites: [number, number];
  /** Pad geoms on the +y side and on the −y side. */
  private readonly padGeoms: [number, number];
  private readonly current = new Float32Array(Observation.size);
  private readonly initial = new Float32Array(Observation.size);
  private readonly goal = new Float32Array(3);
  private readonly readings = new MutableGripperReadings();

  constructor(readonly task: ManipulationTask) {
    this.simulation = MujocoSimulation.fromXml(taskXml(task), `metaworld ${task.name}`);
    const sim = this.simulation;
    this.fingerQposAddress = [sim.jointQposAddress("finger_right"), sim.jointQposAddress("finger_left")];
    this.handQposAddress = [sim.jointQposAddress("hand_x"), sim.jointQposAddress("hand_y"), sim.jointQposAddress("hand_z")];
    this.handSite = sim.id("site", "hand");
    this.fingertipSites = [sim.id("site", "fingertip_right"), sim.id("site", "fingertip_left")];
    // finger_right slides along +y, so its pad is the +y one (the reference's "left pad").
    this.padGeoms = [sim.id("geom", "pad_right"), sim.id("geom", "pad_left")];
    this.bound = task.bind(sim);
  }

  /**
   * Starts an episode in `configuration`: the hand at the task's start position (its mocap
   * point at task.handStart) with the gripper open, objects placed by the task. Returns the first
   * observation (the previous frame is a copy of it).
   */
  reset(configuration: TaskConfiguration): Float32Array {
    const sim = this.simulation;
    sim.resetData();
    const qpos = sim.qpos;
    const start = this.task.handStart;
    this.handQposAddress.forEach((address, axis) => {
      // The hand's slide joints are 0 when its mocap point is at MOCAP_ORIGIN.
      qpos[address] = start[axis]! - MOCAP_ORIGIN[axis]!;
      this.mocap[axis] = start[axis]!;
    });
    qpos[this.fingerQposAddress[0]] = FINGER_TRAVEL;
    qpos[this.fingerQposAddress[1]] = FINGER_TRAVEL;
    sim.mocapPos.set(this.mocap, 0);
    const ctrl = sim.ctrl;
    ctrl[0] = FINGER_TRAVEL;
    ctrl[1] = FINGER_TRAVEL;
    this.goal[0] = configuration.goal[0];
    this.goal[1] = configuration.goal[1];
    this.goal[2] = configuration.goal[2];
    this.bound.reset(configuration);
    sim.forward();
    this.writeFrame(this.current, 0);
    this.current.copyWithin(Observation.previousFrame, 0, Observation.frameSize);
    this.current.set(this.goal, Observation.goal);
    this.initial.set(this.current);
    const readings = this.readings;
    this.readGripper();
    readings.initialTcp.set(readings.tcp);
    readings.initialPadHighY = readings.padHighY;
    readings.initialPadLowY = readings.padLowY;
    readings.gripperAction = 0;
    return Float32Array.from(this.current);
  }

  /** Applies one action (already checked to be finite) and returns the new observation. */
  step(action: ArrayLike<number>): Float32Array {
    const sim = this.simulation;
    for (let axis = 0; axis < 3; axis++) {
      const moved = this.mocap[axis]! + clipUnit(action[axis]!) * ACTION_SCALE;
      this.mocap[axis] = Math.min(Math.max(moved, MOCAP_LOW[axis]!), MOCAP_HIGH[axis]!);
    }
    sim.mocapPos.set(this.mocap, 0);
    const closing = Math.min(Math.max(clipUnit(action[3]!), 0), FINGER_TRAVEL);
    const ctrl = sim.ctrl;
    ctrl[0] = FINGER_TRAVEL - closing;
    ctrl[1] = FINGER_TRAVEL - closing;
    sim.advance(FRAME_SKIP);
    const observation = this.current;
    observation.copyWithin(Observation.previousFrame, 0, Observation.frameSize);
    this.writeFrame(observation, 0);
    this.readGripper();
    this.readings.gripperAction = action[3]!;
    return Float32Array.from(observation);
  }

  /** Reward, success and diagnostics of the latest step. */
  evaluate(): StepEvaluation {
    return this.bound.evaluate(this.current, this.initial, this.readings);
  }

  /** The gripper readings of the latest reset or step (for tests and tools). */
  get gripper(): GripperReadings {
    return this.readings;
  }

  /** The mocap target (for tests and tools). */
  get mocapTarget(): Readonly<Float64Array> {
    return this.mocap;
  }

  close(): void {
    this.simulation.close();
  }

  private readGripper(): void {
    const sites = this.simulation.siteXpos;
    const right = 3 * this.fingertipSites[0];
    const left = 3 * this.fingertipSites[1];
    const tcp = this.readings.tcp;
    for (let axis = 0; axis < 3; axis++) tcp[axis] = (sites[right + axis]! + sites[left + axis]!) / 2;
    const geoms = this.simulation.geomXpos;
    this.readings.padHighY = geoms[3 * this.padGeoms[0] + 1]!;
    this.readings.padLowY = geoms[3 * this.padGeoms[1] + 1]!;
  }

  /** Writes the 18 values of the current frame at `offset`. */
  private writeFrame(out: Float32Array, offset: number): void {
    const sites = this.simulation.siteXpos;
    const hand = 3 * this.handSite;
    out[offset + Observation.hand] = sites[hand]!;
    out[offset + Observation.hand + 1] = sites[hand + 1]!;
    out[offset + Observation.hand + 2] = sites[hand + 2]!;
    const right = 3 * this.fingertipSites[0];
    const left = 3 * this.fingertipSites[1];
    const apart = Math.hypot(sites[right]! - sites[left]!, sites[right + 1]! - sites[left + 1]!, sites[right + 2]! - sites[left + 2]!);
    out[offset + Observation.gripperOpening] = Math.min(1, Math.max(0, apart / OPENING_SCALE));
    this.bound.observeObjects(out, offset + Observation.object1Position);
  }
}

function clipUnit(value: number): number {
  return value < -1 ? -1 : value > 1 ? 1 : value;
}
