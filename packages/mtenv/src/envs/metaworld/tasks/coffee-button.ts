import { BUTTON_FACE, BUTTON_TRAVEL, CoffeeScene, MUG_UNDER_SPOUT, coffeeMachineWorldbody } from "../coffee-machine.js";
import { initialTcpDistance, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { add } from "../vector.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ManipulationTask } from "../task.js";
import { sideButtonExpert } from "./button-press.js";

/** The machine's base range (the reference's, ±1 mm in z included). */
const MACHINE_LOW: Vec3 = [-0.1, 0.8, -0.001];
const MACHINE_HIGH: Vec3 = [0.1, 0.9, 0.001];
/** Success: the button face within this distance (in y) of the goal. */
const SUCCESS_DISTANCE = 0.02;

/**
 * coffee-button: press the coffee machine's button, which faces the hand 0.3 m above the table.
 *
 * Object 1 is the centre of the button's front face (and the button's orientation, always
 * identity); the goal is that face pushed 3 cm in, the end of the button's travel. The
 * reference's v2 reward, no success override: 2 · Hamacher(max(opening, 0), near) + (TCP within
 * 5 cm of the face ? 8 · pressed : 0), with opening the observed obs[3] (the commanded gripper
 * action is not read), near = long-tail tolerance of ‖TCP − face‖ within 5 cm, margin ‖face − TCP
 * at reset‖, and pressed = long-tail tolerance of the face's y distance to the goal within 5 mm,
 * margin 3 cm. Success: |face y − goal y| ≤ 0.02. Info: near_object = TCP within 5 cm of the face,
 * grasp_success = opening > 0. The hand starts at (0, 0.4, 0.2), as in the reference; the mug stands
 * under the spout, as in the reference's scene.
 * Differences: the machine is three boxes and a spout; the gripper passes through the machine
 * (only the button and the mug touch it), and our expert presses with a finger pad, its TCP within
 * 5 cm of the face (the reference's scripted policy pushes with the hand body).
 */
export const coffeeButtonTask: ManipulationTask = {
  name: "coffee-button",
  description: "Press the button on the front of the coffee machine all the way in. Each configuration places the coffee machine at random.",
  scene: { name: "coffee-button", worldbody: coffeeMachineWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.4, 0.2],
  sampleConfiguration(rng) {
    const machine = uniformIn(rng, MACHINE_LOW, MACHINE_HIGH);
    return { object: machine, goal: add(machine, [BUTTON_FACE[0], BUTTON_FACE[1] + BUTTON_TRAVEL, BUTTON_FACE[2]]) };
  },
  bind(simulation) {
    const scene = new CoffeeScene(simulation);
    return {
      reset: (configuration) => scene.place(configuration.object, add(configuration.object, MUG_UNDER_SPOUT)),
      observeObjects: (out, offset) => scene.button.observeObjects(out, offset),
      evaluate(observation, _initial, gripper) {
        const face = objectPosition(observation);
        const tcpToFace = tcpDistance(gripper, face);
        const faceToGoal = Math.abs(goalPosition(observation)[1] - face[1]);
        const opening = observation[Observation.gripperOpening]!;
        const near = longTailTolerance(tcpToFace, 0.05, initialTcpDistance(gripper, face));
        const pressed = longTailTolerance(faceToGoal, 0.005, BUTTON_TRAVEL);
        let reward = 2 * hamacherProduct(Math.max(opening, 0), near);
        if (tcpToFace <= 0.05) reward += 8 * pressed;
        return {
          reward,
          success: faceToGoal <= SUCCESS_DISTANCE,
          nearObject: tcpToFace <= 0.05 ? 1 : 0,
          graspSuccess: opening > 0,
          graspReward: near,
          inPlaceReward: pressed,
          objectToTarget: faceToGoal,
        };
      },
    };
  },
  // Line a finger pad up with the button and push it in (button-press's expert).
  createExpert: () => sideButtonExpert(),
};
