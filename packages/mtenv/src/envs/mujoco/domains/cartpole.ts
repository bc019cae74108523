import type { Rng } from "../../../core/rng.js";
import { CONTROL_STEPS_PER_EPISODE, type ControlTask, type TaskFamily } from "../control-task.js";
import { cartpoleXml } from "../models/cartpole.js";
import type { MujocoSimulation } from "../simulation.js";
import { tolerance } from "../tolerance.js";

export type CartpoleTaskName = "balance" | "swingup";

/** The single cartpole model. */
export const CARTPOLE_FAMILY: TaskFamily = { parameterName: "", unit: "", values: [0], xml: () => cartpoleXml() };

const CARTPOLE_DESCRIPTIONS: Record<CartpoleTaskName, string> = {
  balance: "Keep the pole of a cart-pole balanced upright from a start close to upright, with the cart near the middle of its rail.",
  swingup: "Swing the pole of a cart-pole up from hanging straight down and keep it balanced upright, with the cart near the middle of its rail.",
};

/**
 * Cartpole with DMC's smooth reward: upright · centred · small control · small angular velocity,
 * each factor in [0, 1]. Balance starts near upright, swing-up hanging down.
 * Observation: cart x, cos and sin of the pole angle (0 = upright), cart velocity, pole angular velocity.
 */
export function cartpoleTask(task: CartpoleTaskName): ControlTask {
  return {
    domain: "cartpole",
    task,
    description: CARTPOLE_DESCRIPTIONS[task],
    observationSize: 5,
    physicsStepsPerControlStep: 1,
    controlStepsPerEpisode: CONTROL_STEPS_PER_EPISODE,
    camera: "front",
    bind(simulation: MujocoSimulation) {
      const cartAt = simulation.jointQposAddress("slider");
      const poleAt = simulation.jointQposAddress("hinge");
      const cartVelocityAt = simulation.jointDofAddress("slider");
      const poleVelocityAt = simulation.jointDofAddress("hinge");
      return {
        initializeEpisode(rng: Rng) {
          const qpos = simulation.qpos;
          const qvel = simulation.qvel;
          if (task === "balance") {
            qpos[cartAt] = rng.uniform(-0.25, 0.25);
            qpos[poleAt] = rng.uniform(-0.034, 0.034);
          } else {
            qpos[cartAt] = 0.01 * rng.normal();
            qpos[poleAt] = Math.PI + 0.01 * rng.normal();
          }
          qvel[cartVelocityAt] = 0.01 * rng.normal();
          qvel[poleVelocityAt] = 0.01 * rng.normal();
        },
        observe(out: Float32Array) {
          const qpos = simulation.qpos;
          const qvel = simulation.qvel;
          out[0] = qpos[cartAt]!;
          out[1] = Math.cos(qpos[poleAt]!);
          out[2] = Math.sin(qpos[poleAt]!);
          out[3] = qvel[cartVelocityAt]!;
          out[4] = qvel[poleVelocityAt]!;
        },
        reward(action: Float32Array) {
          const upright = (Math.cos(simulation.qpos[poleAt]!) + 1) / 2;
          const centered = (1 + tolerance(simulation.qpos[cartAt]!, { margin: 2 })) / 2;
          const smallControl = (4 + tolerance(action[0]!, { margin: 1, valueAtMargin: 0, sigmoid: "quadratic" })) / 5;
          const smallVelocity = (1 + tolerance(simulation.qvel[poleVelocityAt]!, { margin: 5 })) / 2;
          return upright * centered * smallControl * smallVelocity;
        },
      };
    },
  };
}
