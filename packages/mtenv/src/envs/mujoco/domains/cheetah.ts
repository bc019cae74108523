import type { Rng } from "../../../core/rng.js";
import { CONTROL_STEPS_PER_EPISODE, type ControlTask, type TaskFamily, evenlySpaced, randomizeLimitedJoints } from "../control-task.js";
import { DEFAULT_CHEETAH, cheetahXml } from "../models/cheetah.js";
import type { MujocoSimulation } from "../simulation.js";
import { tolerance } from "../tolerance.js";

/** Speed (m/s) at which the run reward saturates at 1. */
const RUN_SPEED = 10;
const LEG_JOINTS = ["bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"] as const;
/** Physics steps the model settles for after the random initial pose (DMC does the same). */
const SETTLE_STEPS = 200;

/** The plain cheetah: one model with the default torso. */
export const CHEETAH_FAMILY: TaskFamily = { parameterName: "", unit: "", values: [DEFAULT_CHEETAH.torsoHalfLength], xml: () => cheetahXml() };

/** HiP-BMDP: torso half-length 0.5 → 1.4 in ten steps (reference files 1..10 = indices 0..9). */
export const CHEETAH_TORSO_LENGTH_FAMILY: TaskFamily = {
  parameterName: "torso half-length",
  unit: "m",
  values: evenlySpaced(0.5, 1.4, 10),
  xml(index) {
    return cheetahXml({ torsoHalfLength: this.values[index]! });
  },
};

/**
 * Cheetah run: reward = linear ramp of the torso subtree's forward speed, 0 at rest, 1 at ≥ 10 m/s.
 * Observation: every joint position except the root x (17 with the velocities).
 */
export function cheetahRunTask(): ControlTask {
  return {
    domain: "cheetah",
    task: "run",
    description: `Make the planar cheetah run forward as fast as it can; the reward grows with its speed up to ${RUN_SPEED} m/s.`,
    observationSize: 17,
    physicsStepsPerControlStep: 1,
    controlStepsPerEpisode: CONTROL_STEPS_PER_EPISODE,
    camera: "side",
    bind(simulation: MujocoSimulation) {
      const velocity = simulation.sensorSlice("torso_subtreelinvel").address;
      const nq = simulation.nq;
      const nv = simulation.nv;
      return {
        initializeEpisode(rng: Rng) {
          randomizeLimitedJoints(simulation, LEG_JOINTS, rng);
          simulation.forward();
          simulation.step(SETTLE_STEPS);
        },
        observe(out: Float32Array) {
          const qpos = simulation.qpos;
          const qvel = simulation.qvel;
          for (let i = 1; i < nq; i++) out[i - 1] = qpos[i]!;
          for (let i = 0; i < nv; i++) out[nq - 1 + i] = qvel[i]!;
        },
        reward() {
          const speed = simulation.sensordata[velocity]!;
          return tolerance(speed, { bounds: [RUN_SPEED, Infinity], margin: RUN_SPEED, valueAtMargin: 0, sigmoid: "linear" });
        },
      };
    },
  };
}
