import { expertTcp, moveTowards } from "../expert-motion.js";
import { cagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, objectPosition } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, observeSite, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { drawObjectAndGoalApart, type ExpertPolicy, type ManipulationTask } from "../task.js";

const SUCCESS_DISTANCE = 0.07;
/** The peg: a square bar lying along x, resting on the table. */
const PEG_HALF_THICKNESS = 0.012;
/** The peg's centre range: the reference's x 0–0.2, y 0.5–0.7. */
const PEG_LOW: Vec3 = [0, 0.5, PEG_HALF_THICKNESS];
const PEG_HIGH: Vec3 = [0.2, 0.7, PEG_HALF_THICKNESS];
const HOLE_LOW: Vec3 = [-0.35, 0.5, 0.05];
const HOLE_HIGH: Vec3 = [-0.25, 0.8, 0.05];
const PEG_HALF_LENGTH = 0.1;
/** The tunnel through the box is this much wider than the peg on every side. */
const HOLE_CLEARANCE = 0.01;
/** The goal point lies this deep inside the tunnel's entrance. */
const GOAL_DEPTH = 0.03;
/** Where the expert grips the peg, measured from its head along the peg. */
const GRIP_FROM_HEAD = 0.14;

/**
 * peg-insert-side: pick up a peg lying along x and push its head sideways (−x) into the hole of a
 * box.
 *
 * Object 1 is the peg's grasp point (GRIP_FROM_HEAD from its −x head, as the reference observes
 * its pegGrasp site) and the peg's orientation; the goal is a point on the hole's axis 3 cm inside
 * the entrance. The reference's v2 reward: in-place = long-tail tolerance of
 * ‖(head − goal) · (1, 2, 2)‖ within 7 cm, margin its starting value; grasp = caging reward on the
 * grasp point (object radius 0.0075, pads within 0.03, TCP within 0.005 in x–z, high density,
 * reading the commanded gripper action), set to 1 while the TCP is within 8 cm of the grasp point,
 * the fingers not fully shut and the peg lifted more than 1 cm; reward = Hamacher(grasp,
 * in-place), plus 1 + 5 · in-place under that same condition; 10 on success. Success:
 * ‖(head − goal) · (1, 2, 2)‖ ≤ 0.07. Not reproduced: the reference also multiplies in-place by
 * a term that is below 1 while the head is inside two boxes under its hole (its geometry). Peg and
 * box are kept ≥ 10 cm apart in xy, as the reference's rejection loop does.
 */
export const pegInsertSideTask: ManipulationTask = {
  name: "peg-insert-side",
  description: "Pick up the peg and insert its head sideways into the hole in a box. Each configuration places the peg and the box at random.",
  scene: { name: "peg-insert-side", worldbody: pegWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    return drawObjectAndGoalApart(rng, [PEG_LOW, PEG_HIGH], [HOLE_LOW, HOLE_HIGH], 0.1);
  },
  bind(simulation) {
    const peg = new FreeJoint(simulation, "peg");
    const headSite = simulation.id("site", "peg_head");
    const graspSite = simulation.id("site", "peg_grasp");
    const boxSlot = mocapSlot(simulation, "hole_box");
    const head = new Float32Array(3);
    let headStart: Vec3 = [0, 0, 0];
    return {
      reset(configuration) {
        peg.place(configuration.object);
        placeMocap(simulation, boxSlot, configuration.goal);
        headStart = [configuration.object[0] - PEG_HALF_LENGTH, configuration.object[1], configuration.object[2]];
      },
      observeObjects(out, offset) {
        observeSite(simulation, graspSite, out, offset);
        peg.observeQuaternion(out, offset + 3);
        clearObjectSlot(out, offset + 7);
      },
      evaluate(observation, initial, gripper) {
        observeSite(simulation, headSite, head, 0);
        const goal = Observation.goal;
        const scaledToGoal = (point: ArrayLike<number>): number =>
          Math.hypot(point[0]! - observation[goal]!, 2 * (point[1]! - observation[goal + 1]!), 2 * (point[2]! - observation[goal + 2]!));
        const toGoal = scaledToGoal(head);
        const inPlace = longTailTolerance(toGoal, SUCCESS_DISTANCE, scaledToGoal(headStart));
        const grasp = objectPosition(observation);
        const graspStart = objectPosition(initial);
        const tcpToGrasp = tcpDistance(gripper, grasp);
        const opening = observation[Observation.gripperOpening]!;
        const held = tcpToGrasp < 0.08 && opening > 0 && grasp[2] - 0.01 > graspStart[2];
        const caging = cagingReward(gripper, grasp, graspStart, { objectRadius: 0.0075, padThreshold: 0.03, xzThreshold: 0.005, highDensity: true });
        const objectGrasped = held ? 1 : caging;
        let reward = hamacherProduct(objectGrasped, inPlace);
        if (held) reward += 1 + 5 * inPlace;
        const success = toGoal <= SUCCESS_DISTANCE;
        return {
          reward: success ? 10 : reward,
          success,
          nearObject: tcpToGrasp <= 0.03 ? 1 : 0,
          graspSuccess: tcpToGrasp < 0.02 && opening > 0 && grasp[2] - 0.01 > graspStart[2],
          graspReward: objectGrasped,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    };
  },
  createExpert: pegExpert,
};

function pegWorldbody(): string {
  const t = PEG_HALF_THICKNESS;
  const half = t + HOLE_CLEARANCE;
  // The box around the hole, relative to the goal point: entrance at +GOAL_DEPTH in x, 0.1 deep.
  const depth = 0.05;
  const centreX = GOAL_DEPTH - depth;
  const outerY = 0.06;
  const outerTop = 0.1 - 0.05;
  const slab = (name: string, y: number, z: number, halfY: number, halfZ: number): string =>
    `<geom name="${name}" type="box" class="fixture" pos="${vec(centreX, y, z)}" size="${vec(depth, halfY, halfZ)}" rgba="${SceneColors.cabinet}"/>`;
  const sideHalfY = (outerY - half) / 2;
  return `    <body name="peg" pos="0 0.6 ${t}">
      <freejoint name="peg"/>
      <geom name="peg" type="box" class="freeObject" size="${vec(PEG_HALF_LENGTH, t, t)}" mass="0.05" rgba="${SceneColors.object}"/>
      <geom name="peg_head" type="box" class="decor" pos="${vec(-PEG_HALF_LENGTH + 0.01, 0, 0)}" size="${vec(0.0101, t + 0.0005, t + 0.0005)}" rgba="${SceneColors.accent}"/>
      <site name="peg_head" pos="${vec(-PEG_HALF_LENGTH, 0, 0)}" size="0.005"/>
      <site name="peg_grasp" pos="${vec(-PEG_HALF_LENGTH + GRIP_FROM_HEAD, 0, 0)}" size="0.005"/>
    </body>
    <body name="hole_box" mocap="true" pos="-0.3 0.65 0.05">
      ${slab("hole_top", 0, (half + outerTop) / 2, outerY, (outerTop - half) / 2)}
      ${slab("hole_bottom", 0, (-0.05 - half) / 2, outerY, (0.05 - half) / 2)}
      ${slab("hole_left", -half - sideHalfY, 0, sideHalfY, half)}
      ${slab("hole_right", half + sideHalfY, 0, sideHalfY, half)}
      <site name="hole_goal" pos="0 0 0" size="0.006" rgba="${SceneColors.goal}"/>
    </body>`;
}

type PegPhase = "approach" | "descend" | "close" | "lift" | "align" | "insert";

/**
 * Scripted peg expert: grip the peg near its tail, lift it to the hole's height well to the +x
 * of the box, line it up with the hole, then slide it in along −x.
 */
function pegExpert(): ExpertPolicy {
  let phase: PegPhase = "approach";
  let closingSteps = 0;
  return {
    act(observation, action) {
      const hand = expertTcp(observation);
      const grip = objectPosition(observation);
      const goal: Vec3 = [observation[36]!, observation[37]!, observation[38]!];
      const handToGrip = Math.hypot(hand[0] - grip[0], hand[1] - grip[1]);
      if ((phase === "lift" || phase === "align" || phase === "insert") && Math.hypot(hand[0] - grip[0], hand[1] - grip[1], hand[2] - grip[2]) > 0.04) phase = "approach";
      if (phase === "approach" && handToGrip < 0.01 && Math.abs(hand[2] - (grip[2] + 0.08)) < 0.03) phase = "descend";
      if (phase === "descend" && Math.abs(hand[2] - grip[2]) < 0.006) {
        phase = "close";
        closingSteps = 0;
      }
      if (phase === "close" && (closingSteps += 1) > 10) phase = "lift";
      // The head must line up with the hole while still clear of the box's entrance.
      const staging: Vec3 = [goal[0] + GRIP_FROM_HEAD + GOAL_DEPTH + 0.06, goal[1], goal[2]];
      if (phase === "lift" && Math.abs(hand[2] - goal[2]) < 0.01) phase = "align";
      if (phase === "align" && Math.hypot(hand[0] - staging[0], hand[1] - staging[1], hand[2] - staging[2]) < 0.008) phase = "insert";
      switch (phase) {
        case "approach":
          moveTowards(observation, [grip[0], grip[1], grip[2] + 0.08], -1, action);
          break;
        case "descend":
          moveTowards(observation, grip, -1, action);
          break;
        case "close":
          moveTowards(observation, grip, 1, action);
          break;
        case "lift":
          moveTowards(observation, [hand[0], hand[1], goal[2]], 1, action);
          break;
        case "align":
          moveTowards(observation, staging, 1, action);
          break;
        case "insert":
          moveTowards(observation, [goal[0] + GRIP_FROM_HEAD - 0.02, goal[1], goal[2]], 1, action);
          break;
      }
    },
  };
}
