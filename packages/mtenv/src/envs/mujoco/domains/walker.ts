import type { Rng } from "../../../core/rng.js";
import { CONTROL_STEPS_PER_EPISODE, type ControlTask, type TaskFamily, evenlySpaced, randomizeLimitedJoints } from "../control-task.js";
import { DEFAULT_WALKER, walkerXml } from "../models/walker.js";
import type { MujocoSimulation } from "../simulation.js";
import { tolerance } from "../tolerance.js";

export type WalkerTaskName = "stand" | "walk" | "run";

/** Torso height above which the walker counts as standing. */
const STAND_HEIGHT = 1.2;
const TARGET_SPEED: Record<WalkerTaskName, number> = { stand: 0, walk: 1, run: 8 };
const WALKER_DESCRIPTIONS: Record<WalkerTaskName, string> = {
  stand: `Make the planar two-legged walker stand up and stay upright with its torso at least ${STAND_HEIGHT} m high.`,
  walk: `Make the planar two-legged walker walk forward at ${TARGET_SPEED.walk} m/s or faster while staying upright.`,
  run: `Make the planar two-legged walker run forward at ${TARGET_SPEED.run} m/s or faster while staying upright.`,
};
const RANDOMIZED_JOINTS = ["rooty", "right_hip", "right_knee", "right_ankle", "left_hip", "left_knee", "left_ankle"] as const;

/** The plain walker: one model with default friction and feet. */
export const WALKER_FAMILY: TaskFamily = { parameterName: "", unit: "", values: [DEFAULT_WALKER.friction], xml: () => walkerXml() };

/** HiP-BMDP: friction of every geom 0.7 → 1.6 in ten steps. */
export const WALKER_FRICTION_FAMILY: TaskFamily = {
  parameterName: "friction",
  unit: "",
  values: evenlySpaced(0.7, 1.6, 10),
  xml(index) {
    return walkerXml({ ...DEFAULT_WALKER, friction: this.values[index]! });
  },
};

/** HiP-BMDP: left foot half-length 0.08 → 0.17 in ten steps. */
export const WALKER_FOOT_LENGTH_FAMILY: TaskFamily = {
  parameterName: "left foot half-length",
  unit: "m",
  values: evenlySpaced(0.08, 0.17, 10),
  xml(index) {
    return walkerXml({ ...DEFAULT_WALKER, leftFootHalfLength: this.values[index]! });
  },
};

/**
 * Walker stand/walk/run: stand = (3·height term + upright term)/4; walk and run multiply it by
 * (5·move + 1)/6 where move ramps up to the target speed (1 or 8 m/s).
 * Observation: x-x and x-z entries of each body's orientation (14), torso height, velocities (9).
 */
export function walkerTask(task: WalkerTaskName): ControlTask {
  return {
    domain: "walker",
    task,
    description: WALKER_DESCRIPTIONS[task],
    observationSize: 24,
    physicsStepsPerControlStep: 10,
    controlStepsPerEpisode: CONTROL_STEPS_PER_EPISODE,
    camera: "side",
    bind(simulation: MujocoSimulation) {
      const torso = simulation.id("body", "torso");
      const velocity = simulation.sensorSlice("torso_subtreelinvel").address;
      const bodyCount = simulation.nbody;
      const nv = simulation.nv;
      const speed = TARGET_SPEED[task];
      return {
        initializeEpisode(rng: Rng) {
          randomizeLimitedJoints(simulation, RANDOMIZED_JOINTS, rng);
        },
        observe(out: Float32Array) {
          const xmat = simulation.xmat;
          let at = 0;
          for (let body = 1; body < bodyCount; body++) {
            out[at++] = xmat[9 * body]!;
            out[at++] = xmat[9 * body + 2]!;
          }
          out[at++] = simulation.xpos[3 * torso + 2]!;
          const qvel = simulation.qvel;
          for (let i = 0; i < nv; i++) out[at++] = qvel[i]!;
        },
        reward() {
          const height = simulation.xpos[3 * torso + 2]!;
          const standing = tolerance(height, { bounds: [STAND_HEIGHT, Infinity], margin: STAND_HEIGHT / 2 });
          const upright = (1 + simulation.xmat[9 * torso + 8]!) / 2;
          const stand = (3 * standing + upright) / 4;
          if (task === "stand") return stand;
          const horizontalSpeed = simulation.sensordata[velocity]!;
          const move = tolerance(horizontalSpeed, { bounds: [speed, Infinity], margin: speed / 2, valueAtMargin: 0.5, sigmoid: "linear" });
          return (stand * (5 * move + 1)) / 6;
        },
      };
    },
  };
}
