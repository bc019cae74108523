import { MujocoSimulation } from "../mujoco/simulation.js";
import { OPENING_SCALE, Observation } from "./observation-layout.js";
import { FINGER_TRAVEL, HAND_ORIGIN, TCP_BELOW_MOCAP, sceneXml } from "./scene.js";
import type { BoundTask, ManipulationTask, StepEvaluation, TaskConfiguration } from "./task.js";

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

/**
 * One task's scene in MuJoCo with the gripper's control and the 39-dim observation: the part
 * shared by the MT1 and MT10 environments. Actions: xyz ∈ [−1, 1] moves the mocap target by
 * a/100 m (clipped to the hand bounds), the 4th component closes the fingers at +1 and opens them
 * at −1 (a position target between); components outside [−1, 1] are clipped first, as the
 * reference does. Each action is held for FRAME_SKIP physics steps.
 */
export class TabletopSimulation {
  readonly simulation: MujocoSimulation;
  private readonly bound: BoundTask;
  private readonly mocap = new Float64Array(3);
  private readonly fingerQposAddress: [number, number];
  private readonly tcpSite: number;
  private readonly fingertipSites: [number, number];
  private readonly current = new Float32Array(Observation.size);
  private readonly initial = new Float32Array(Observation.size);
  private readonly goal = new Float32Array(3);

  constructor(readonly task: ManipulationTask) {
    this.simulation = MujocoSimulation.fromXml(taskXml(task), `metaworld ${task.name}`);
    const sim = this.simulation;
    this.fingerQposAddress = [sim.jointQposAddress("finger_right"), sim.jointQposAddress("finger_left")];
    this.tcpSite = sim.id("site", "tcp");
    this.fingertipSites = [sim.id("site", "fingertip_right"), sim.id("site", "fingertip_left")];
    this.bound = task.bind(sim);
  }

  /**
   * Starts an episode in `configuration`: hand at its start pose with the gripper open, objects
   * placed by the task. Returns the first observation (the previous frame is a copy of it).
   */
  reset(configuration: TaskConfiguration): Float32Array {
    const sim = this.simulation;
    sim.resetData();
    const qpos = sim.qpos;
    // The TCP starts at HAND_ORIGIN (joints at 0) with the fingers open.
    qpos[this.fingerQposAddress[0]] = FINGER_TRAVEL;
    qpos[this.fingerQposAddress[1]] = FINGER_TRAVEL;
    this.mocap[0] = HAND_ORIGIN[0];
    this.mocap[1] = HAND_ORIGIN[1];
    this.mocap[2] = HAND_ORIGIN[2] + TCP_BELOW_MOCAP;
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
    // +1 closes (target 0 travel), −1 opens fully.
    const fingerTarget = (FINGER_TRAVEL * (1 - clipUnit(action[3]!))) / 2;
    const ctrl = sim.ctrl;
    ctrl[0] = fingerTarget;
    ctrl[1] = fingerTarget;
    sim.advance(FRAME_SKIP);
    const observation = this.current;
    observation.copyWithin(Observation.previousFrame, 0, Observation.frameSize);
    this.writeFrame(observation, 0);
    return Float32Array.from(observation);
  }

  /** Reward and success of the latest observation. */
  evaluate(): StepEvaluation {
    return this.bound.evaluate(this.current, this.initial);
  }

  /** The mocap target (for tests and tools). */
  get mocapTarget(): Readonly<Float64Array> {
    return this.mocap;
  }

  close(): void {
    this.simulation.close();
  }

  /** Writes the 18 values of the current frame at `offset`. */
  private writeFrame(out: Float32Array, offset: number): void {
    const sites = this.simulation.siteXpos;
    const tcp = 3 * this.tcpSite;
    out[offset + Observation.hand] = sites[tcp]!;
    out[offset + Observation.hand + 1] = sites[tcp + 1]!;
    out[offset + Observation.hand + 2] = sites[tcp + 2]!;
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
