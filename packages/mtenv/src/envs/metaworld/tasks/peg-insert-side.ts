import { moveTowards } from "../block-object.js";
import { Observation } from "../observation-layout.js";
import { clampReward, distance3, linearTolerance, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, observeSite, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

const SUCCESS_DISTANCE = 0.07;
/** The peg: a square bar lying along x, resting on the table. */
const PEG_HALF_THICKNESS = 0.012;
const PEG_LOW: Vec3 = [-0.1, 0.5, PEG_HALF_THICKNESS];
const PEG_HIGH: Vec3 = [0.1, 0.7, PEG_HALF_THICKNESS];
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
 * Object 1 is the peg's head (its −x end) and the peg's orientation; the goal is a point on the
 * hole's axis 3 cm inside the entrance. Reward (in [0, 10]): 2 · grasp (TCP near the peg's grip
 * point with the fingers closed on it) + 1 + 5 · in-place while the peg is held and lifted
 * (in-place: long-tail tolerance of ‖head − goal‖ within 7 cm, margin the starting distance);
 * 10 on success. Success: ‖peg head − goal‖ ≤ 0.07.
 */
export const pegInsertSideTask: ManipulationTask = {
  name: "peg-insert-side",
  description: "Pick up the peg and insert its head sideways into the hole in a box. Each configuration places the peg and the box at random.",
  scene: { name: "peg-insert-side", worldbody: pegWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  sampleConfiguration(rng) {
    return { object: uniformIn(rng, PEG_LOW, PEG_HIGH), goal: uniformIn(rng, HOLE_LOW, HOLE_HIGH) };
  },
  bind(simulation) {
    const peg = new FreeJoint(simulation, "peg");
    const headSite = simulation.id("site", "peg_head");
    const boxSlot = mocapSlot(simulation, "hole_box");
    return {
      reset(configuration) {
        peg.place(configuration.object);
        placeMocap(simulation, boxSlot, configuration.goal);
      },
      observeObjects(out, offset) {
        observeSite(simulation, headSite, out, offset);
        peg.observeQuaternion(out, offset + 3);
        clearObjectSlot(out, offset + 7);
      },
      evaluate(observation, initial) {
        const toGoal = distance3(observation, Observation.object1Position, observation, Observation.goal);
        if (toGoal <= SUCCESS_DISTANCE) return { reward: 10, success: true };
        const grip = gripPoint(observation);
        const initialGrip = gripPoint(initial);
        const reach = longTailTolerance(
          Math.hypot(observation[0]! - grip[0], observation[1]! - grip[1], observation[2]! - grip[2]),
          0.015,
          Math.hypot(initial[0]! - initialGrip[0], initial[1]! - initialGrip[1], initial[2]! - initialGrip[2]),
        );
        const closed = linearTolerance(observation[Observation.gripperOpening]!, 0.3, 0.7);
        let reward = 2 * reach * (0.5 + 0.5 * closed);
        const lifted = observation[Observation.object1Position + 2]! - initial[Observation.object1Position + 2]! > 0.01;
        if (lifted && isHoldingPeg(observation)) {
          const inPlace = longTailTolerance(toGoal, SUCCESS_DISTANCE, distance3(initial, Observation.object1Position, initial, Observation.goal));
          reward += 1 + 5 * inPlace;
        }
        return { reward: clampReward(reward), success: false };
      },
    };
  },
  createExpert: pegExpert,
};

/** The point the expert grips: GRIP_FROM_HEAD from the head along the peg's axis (+x of the peg). */
function gripPoint(observation: Float32Array): Vec3 {
  const q = Observation.object1Quaternion;
  const [w, x, y, z] = [observation[q]!, observation[q + 1]!, observation[q + 2]!, observation[q + 3]!];
  // First column of the rotation matrix: the peg's axis in the world.
  const axis: Vec3 = [1 - 2 * (y * y + z * z), 2 * (x * y + w * z), 2 * (x * z - w * y)];
  const head = Observation.object1Position;
  return [observation[head]! + GRIP_FROM_HEAD * axis[0], observation[head + 1]! + GRIP_FROM_HEAD * axis[1], observation[head + 2]! + GRIP_FROM_HEAD * axis[2]];
}

function isHoldingPeg(observation: Float32Array): boolean {
  const grip = gripPoint(observation);
  return Math.hypot(observation[0]! - grip[0], observation[1]! - grip[1], observation[2]! - grip[2]) < 0.025 && observation[Observation.gripperOpening]! < 0.3;
}

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
      const hand: Vec3 = [observation[0]!, observation[1]!, observation[2]!];
      const grip = gripPoint(observation);
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
