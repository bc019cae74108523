import type { Rng } from "../../../core/rng.js";
import { CONTROL_STEPS_PER_EPISODE, type ControlTask, type TaskFamily, evenlySpaced, randomizeLimitedJoints } from "../control-task.js";
import { DEFAULT_FINGER, fingerXml } from "../models/finger.js";
import type { MujocoSimulation } from "../simulation.js";

/** The spinner must turn at least this fast (rad/s, in the negative direction) to earn reward. */
const SPIN_VELOCITY = -15;
/** Attempts at a random initial pose without interpenetration before keeping the last one. */
const MAX_POSE_ATTEMPTS = 100;

/** The plain finger: one model with the default fingertip. */
export const FINGER_FAMILY: TaskFamily = { parameterName: "", unit: "", values: [DEFAULT_FINGER.fingertipRadius], xml: () => fingerXml() };

/** HiP-BMDP: fingertip radius 0.025 → 0.25 in ten steps. */
export const FINGER_SIZE_FAMILY: TaskFamily = {
  parameterName: "fingertip radius",
  unit: "m",
  values: evenlySpaced(0.025, 0.25, 10),
  xml(index) {
    return fingerXml({ fingertipRadius: this.values[index]! });
  },
};

/**
 * Finger spin: sparse reward 1 while the spinner turns at ≤ −15 rad/s, else 0.
 * Observation: proximal and distal angles, spinner tip relative to its hinge (x, z), the three
 * joint velocities, log(1 + touch) of the two fingertip sensors (9 in all).
 */
export function fingerSpinTask(): ControlTask {
  return {
    domain: "finger",
    task: "spin",
    description: `Flick the free spinner with the two-jointed finger so that it keeps turning at ${-SPIN_VELOCITY} rad/s or faster in the negative direction.`,
    observationSize: 9,
    physicsStepsPerControlStep: 2,
    controlStepsPerEpisode: CONTROL_STEPS_PER_EPISODE,
    camera: "front",
    bind(simulation: MujocoSimulation) {
      const sensor = (name: string): number => simulation.sensorSlice(name).address;
      const proximal = sensor("proximal");
      const distal = sensor("distal");
      const velocities = [sensor("proximal_velocity"), sensor("distal_velocity"), sensor("hinge_velocity")] as const;
      const touchTop = sensor("touchtop");
      const touchBottom = sensor("touchbottom");
      const hingeVelocity = velocities[2];
      const spinner = simulation.id("body", "spinner");
      const tip = simulation.id("site", "spinner_tip");
      return {
        initializeEpisode(rng: Rng) {
          for (let attempt = 0; attempt < MAX_POSE_ATTEMPTS; attempt++) {
            randomizeLimitedJoints(simulation, ["proximal", "distal", "hinge"], rng);
            simulation.forward();
            if (simulation.contactCount === 0) return;
          }
        },
        observe(out: Float32Array) {
          const data = simulation.sensordata;
          const xpos = simulation.xpos;
          const sites = simulation.siteXpos;
          out[0] = data[proximal]!;
          out[1] = data[distal]!;
          out[2] = sites[3 * tip]! - xpos[3 * spinner]!;
          out[3] = sites[3 * tip + 2]! - xpos[3 * spinner + 2]!;
          out[4] = data[velocities[0]]!;
          out[5] = data[velocities[1]]!;
          out[6] = data[velocities[2]]!;
          out[7] = Math.log1p(data[touchTop]!);
          out[8] = Math.log1p(data[touchBottom]!);
        },
        reward() {
          return simulation.sensordata[hingeVelocity]! <= SPIN_VELOCITY ? 1 : 0;
        },
      };
    },
  };
}
