import type { Rng } from "../../../core/rng.js";
import { CONTROL_STEPS_PER_EPISODE, type ControlTask, type TaskFamily, randomizeLimitedJoints } from "../control-task.js";
import { DEFAULT_REACHER, REACHER_FINGER_RADIUS, reacherXml } from "../models/reacher.js";
import type { MujocoSimulation } from "../simulation.js";
import { tolerance } from "../tolerance.js";

/** The easy reacher (target radius 0.05). */
export const REACHER_EASY_FAMILY: TaskFamily = { parameterName: "", unit: "", values: [DEFAULT_REACHER.targetRadius], xml: () => reacherXml() };

/**
 * Reacher: reward 1 while the fingertip touches the target ball, else 0. The target is placed at
 * a random angle and a distance 0.05–0.20 from the shoulder at each reset.
 * Observation: shoulder and wrist angles, target minus fingertip (x, y), the two joint velocities.
 */
export function reacherTask(targetRadius: number = DEFAULT_REACHER.targetRadius): ControlTask {
  return {
    domain: "reacher",
    task: targetRadius === DEFAULT_REACHER.targetRadius ? "easy" : "hard",
    description: `Touch a target ball of radius ${targetRadius.toFixed(3)} m, placed at random within reach, with the fingertip of the two-link reacher arm.`,
    observationSize: 6,
    physicsStepsPerControlStep: 1,
    controlStepsPerEpisode: CONTROL_STEPS_PER_EPISODE,
    camera: "top",
    bind(simulation: MujocoSimulation) {
      const shoulder = simulation.jointQposAddress("shoulder");
      const wrist = simulation.jointQposAddress("wrist");
      const shoulderVelocity = simulation.jointDofAddress("shoulder");
      const wristVelocity = simulation.jointDofAddress("wrist");
      const finger = simulation.id("body", "finger");
      const touchDistance = targetRadius + REACHER_FINGER_RADIUS;
      const fingerToTarget = (axis: 0 | 1): number => simulation.mocapPos[axis]! - simulation.xpos[3 * finger + axis]!;
      return {
        initializeEpisode(rng: Rng) {
          randomizeLimitedJoints(simulation, ["shoulder", "wrist"], rng);
          const angle = rng.uniform(0, 2 * Math.PI);
          const distance = rng.uniform(0.05, 0.2);
          const mocap = simulation.mocapPos;
          mocap[0] = distance * Math.cos(angle);
          mocap[1] = distance * Math.sin(angle);
        },
        observe(out: Float32Array) {
          const qpos = simulation.qpos;
          const qvel = simulation.qvel;
          out[0] = qpos[shoulder]!;
          out[1] = qpos[wrist]!;
          out[2] = fingerToTarget(0);
          out[3] = fingerToTarget(1);
          out[4] = qvel[shoulderVelocity]!;
          out[5] = qvel[wristVelocity]!;
        },
        reward() {
          return tolerance(Math.hypot(fingerToTarget(0), fingerToTarget(1)), { bounds: [0, touchDistance] });
        },
      };
    },
  };
}
