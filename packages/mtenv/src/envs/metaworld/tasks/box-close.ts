import { expertTcp, moveTowards } from "../expert-motion.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { distance3, hamacherProduct, tolerance, type Vec3 } from "../reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { drawObjectAndGoalApart, type ExpertPolicy, type ManipulationTask, type StepEvaluation } from "../task.js";

/** The lid's range (the reference's object range; z is its resting height) and the box's (its goal range). */
const LID_LOW: Vec3 = [-0.05, 0.5, 0.02];
const LID_HIGH: Vec3 = [0.05, 0.55, 0.02];
const BOX_LOW: Vec3 = [-0.1, 0.7, 0.133];
const BOX_HIGH: Vec3 = [0.1, 0.8, 0.133];
/** The reference redraws until lid and box are this far apart in xy. */
const MINIMUM_SEPARATION = 0.25;
/** Success: the lid within this distance of the goal (strictly, as in the reference). */
const SUCCESS_DISTANCE = 0.08;
/** Height of the box's walls: the lid resting on them has its origin at 0.083, as the reference's lid does. */
const BOX_HEIGHT = 0.083;
/** The handle bar's height above the lid's origin (the bottom of its plate). */
const HANDLE_HEIGHT = 0.082;
/** The lid's resting orientation: a quarter turn about z (the reference's quat="1 0 0 1"), w, x, y, z. */
const LID_QUATERNION = [Math.SQRT1_2, 0, 0, Math.SQRT1_2] as const;
/** The orientation the reward asks for, as the reference writes it. */
const UPRIGHT_QUATERNION = [0.707, 0, 0, 0.707] as const;

/**
 * box-close: pick the lid up by its handle and put it on the box.
 *
 * The lid is a free 23 × 23 cm plate with a 2 cm rim underneath and a handle bar on two posts
 * (8.2 cm up); its origin is the bottom of the plate (2 cm above the table at rest, 8.3 cm on the
 * box), which is what object 1 reports, with its quaternion (w, x, y, z; a quarter turn about z at
 * rest, so the bar runs along x). The box is 20 cm square, 8.3 cm tall, at the goal's x and y; the
 * goal is 0.133 high, 5 cm above a lid resting on it, as in the reference (which floats its box 2
 * cm above the table; ours stands on it). Lid and box are ≥ 25 cm apart in xy.
 *
 * The reference's v2 reward: (2 · Hamacher(grab, ready) + 8 · lifted, or 10 once ‖lid − goal‖ <
 * 0.08) × upright, where grab = (clip(a[3], −1, 1) + 1) / 2, the commanded action; ready =
 * Hamacher(above-floor, near), near = long-tail tolerance of ‖hand − (lid + (0, 0, 0.02))‖ within
 * 2 cm, margin 0.5, above-floor keeping the hand above 0.04 · ln(r − 0.02) + 0.4 while it is more than
 * r = 2 cm (in xy) from that point (long-tail tolerance within 1 cm, margin half the floor, below
 * it); lifted = 0.2 · [lid z + 0.02 > 0.04] + 0.8 · long-tail tolerance of ‖(goal − lid − (0, 0,
 * 0.02)) · (1, 1, 3)‖ within 5 cm, margin 0.25; upright = max(1 − ‖quaternion − (0.707, 0, 0,
 * 0.707)‖ / 0.2, 0). The hand is obs[0:3]. Success: ‖lid − goal‖ < 0.08. Diagnostics: near_object =
 * ready, grasp_success = grab ≥ 0.5, grasp_reward = grab, in_place_reward = lifted,
 * obj_to_target = 0 (as the reference reports). The hand starts at (0, 0.6, 0.2).
 * Differences: our lid starts at rest on the table (the reference drops its lid from 7.5 cm above
 * its resting height at reset).
 */
export const boxCloseTask: ManipulationTask = {
  name: "box-close",
  description: "Pick up the lid by its handle and put it on top of the box. Each configuration places the lid and the box at random.",
  scene: { name: "box-close", worldbody: boxAndLidWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) =>
    drawObjectAndGoalApart(rng, [LID_LOW, LID_HIGH], [BOX_LOW, BOX_HIGH], MINIMUM_SEPARATION),
  bind(simulation) {
    const lid = new FreeJoint(simulation, "lid");
    const boxSlot = mocapSlot(simulation, "box");
    return {
      reset(configuration) {
        lid.place(configuration.object);
        simulation.qpos.set(LID_QUATERNION, lid.qposAddress + 3);
        placeMocap(simulation, boxSlot, [configuration.goal[0], configuration.goal[1], 0]);
      },
      observeObjects(out, offset) {
        lid.observe(out, offset);
        clearObjectSlot(out, offset + 7);
      },
      evaluate: (observation, _initial, gripper) => boxCloseEvaluation(observation, gripper.gripperAction),
    };
  },
  createExpert: lidExpert,
};

/** The reward, success and diagnostics described on boxCloseTask. */
function boxCloseEvaluation(observation: Float32Array, gripperAction: number): StepEvaluation {
  const grab = Math.min(Math.max((Math.min(Math.max(gripperAction, -1), 1) + 1) / 2, 0), 1);
  const q = Observation.object1Quaternion;
  const quaternionError = Math.hypot(
    observation[q]! - UPRIGHT_QUATERNION[0],
    observation[q + 1]! - UPRIGHT_QUATERNION[1],
    observation[q + 2]! - UPRIGHT_QUATERNION[2],
    observation[q + 3]! - UPRIGHT_QUATERNION[3],
  );
  const upright = Math.max(1 - quaternionError / 0.2, 0);
  // Read in place (no allocation per step): the reward's handle point is the lid + (0, 0, 0.02).
  const lid = Observation.object1Position;
  const handleX = observation[lid]!;
  const handleY = observation[lid + 1]!;
  const handleZ = observation[lid + 2]! + 0.02;
  const h = Observation.hand;
  const handX = observation[h]!;
  const handY = observation[h + 1]!;
  const handZ = observation[h + 2]!;
  const radius = Math.hypot(handX - handleX, handY - handleY);
  const floor = radius <= 0.02 ? 0 : 0.04 * Math.log(radius - 0.02) + 0.4;
  const aboveFloor = handZ >= floor ? 1 : tolerance(floor - handZ, 0, 0.01, floor / 2, "long_tail");
  const near = tolerance(Math.hypot(handX - handleX, handY - handleY, handZ - handleZ), 0, 0.02, 0.5, "long_tail");
  const ready = hamacherProduct(aboveFloor, near);
  const g = Observation.goal;
  const placeError = Math.hypot(observation[g]! - handleX, observation[g + 1]! - handleY, 3 * (observation[g + 2]! - handleZ));
  const lifted = 0.2 * (handleZ > 0.04 ? 1 : 0) + 0.8 * tolerance(placeError, 0, 0.05, 0.25, "long_tail");
  const success = distance3(observation, lid, observation, g) < SUCCESS_DISTANCE;
  return {
    reward: (success ? 10 : 2 * hamacherProduct(grab, ready) + 8 * lifted) * upright,
    success,
    nearObject: ready,
    graspSuccess: grab >= 0.5,
    graspReward: grab,
    inPlaceReward: lifted,
    objectToTarget: 0,
  };
}

type LidPhase = "approach" | "descend" | "close" | "lift" | "carry";

/**
 * Scripted lid expert: over the handle bar with the fingers open, down to it, close, lift the
 * lid to the goal's height, then carry it over the box to the goal. Starts again if the lid slips.
 */
function lidExpert(): ExpertPolicy {
  let phase: LidPhase = "approach";
  let closingSteps = 0;
  return {
    act(observation, action) {
      const lid = objectPosition(observation);
      const goal = goalPosition(observation);
      const bar: Vec3 = [lid[0], lid[1], lid[2] + HANDLE_HEIGHT];
      const tcp = expertTcp(observation);
      const horizontalError = Math.hypot(tcp[0] - bar[0], tcp[1] - bar[1]);
      if ((phase === "lift" || phase === "carry") && Math.hypot(horizontalError, tcp[2] - bar[2]) > 0.04) phase = "approach";
      if (phase === "approach" && horizontalError < 0.008) phase = "descend";
      if (phase === "descend" && horizontalError > 0.02) phase = "approach";
      if (phase === "descend" && Math.abs(tcp[2] - bar[2]) < 0.006) {
        phase = "close";
        closingSteps = 0;
      }
      if (phase === "close" && (closingSteps += 1) > 12) phase = "lift";
      if (phase === "lift" && lid[2] > goal[2] - 0.01) phase = "carry";
      switch (phase) {
        case "approach":
          moveTowards(observation, [bar[0], bar[1], bar[2] + 0.06], 0, action);
          break;
        case "descend":
          moveTowards(observation, bar, 0, action);
          break;
        case "close":
          moveTowards(observation, bar, 1, action);
          break;
        case "lift":
          moveTowards(observation, [tcp[0], tcp[1], goal[2] + HANDLE_HEIGHT + 0.01], 1, action);
          break;
        case "carry":
          moveTowards(observation, [goal[0], goal[1], goal[2] + HANDLE_HEIGHT], 1, action);
          break;
      }
    },
  };
}

/** The lid (a free body, geometry in its own frame before the quarter turn) and the box (a mocap body). */
function boxAndLidWorldbody(): string {
  const part = (name: string, type: string, pos: Vec3, size: readonly number[], mass: number, extra = ""): string =>
    `<geom name="${name}" type="${type}" class="freeObject" pos="${vec(...pos)}" size="${vec(...size)}" mass="${mass}" rgba="${SceneColors.table}"${extra}/>`;
  const wall = (name: string, pos: Vec3, size: Vec3): string =>
    `<geom name="${name}" type="box" class="fixture" pos="${vec(...pos)}" size="${vec(...size)}" rgba="${SceneColors.cabinet}"/>`;
  const halfHeight = BOX_HEIGHT / 2;
  return `    <body name="box" mocap="true" pos="0 0.75 0">
      ${wall("box_front", [0, -0.095, halfHeight], [0.1, 0.005, halfHeight])}
      ${wall("box_back", [0, 0.095, halfHeight], [0.1, 0.005, halfHeight])}
      ${wall("box_left", [-0.095, 0, halfHeight], [0.005, 0.09, halfHeight])}
      ${wall("box_right", [0.095, 0, halfHeight], [0.005, 0.09, halfHeight])}
    </body>
    <body name="lid" pos="0 0.5 0.02">
      <freejoint name="lid"/>
      ${part("lid_plate", "box", [0, 0, 0.003], [0.115, 0.115, 0.003], 0.1)}
      ${part("lid_rim_left", "box", [-0.11, 0, -0.01], [0.005, 0.115, 0.01], 0.02)}
      ${part("lid_rim_right", "box", [0.11, 0, -0.01], [0.005, 0.115, 0.01], 0.02)}
      ${part("lid_rim_front", "box", [0, -0.11, -0.01], [0.115, 0.005, 0.01], 0.02)}
      ${part("lid_rim_back", "box", [0, 0.11, -0.01], [0.115, 0.005, 0.01], 0.02)}
      ${part("lid_handle", "capsule", [0, 0, HANDLE_HEIGHT], [0.008, 0.05], 0.05, ' euler="1.5708 0 0"')}
      ${part("lid_post_front", "capsule", [0, -0.05, 0.043], [0.008, 0.035], 0.03)}
      ${part("lid_post_back", "capsule", [0, 0.05, 0.043], [0.008, 0.035], 0.03)}
    </body>`;
}
