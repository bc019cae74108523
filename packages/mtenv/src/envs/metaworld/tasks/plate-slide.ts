import { expertTcp, moveTowards } from "../expert-motion.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { PLATE_HALF_SIZE, PlateScene, plateWorldbody, type NetFacing } from "../plate.js";
import { FINGER_PAD_HALF_SIZE } from "../scene.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { uniformIn, type ExpertPolicy, type GripperReadings, type ManipulationTask, type StepEvaluation } from "../task.js";

/** The in-place and near-plate radius of every plate-slide reward, and its jump to 10. */
export const PLATE_TARGET_RADIUS = 0.05;
/** Success: the plate's centre within this distance of the goal (all four variants). */
export const PLATE_SUCCESS_DISTANCE = 0.07;

/**
 * How a variant combines its terms (both from the reference's v2 rewards):
 * - "product": 8 · Hamacher(near, in-place), margins the full starting distances (plate-slide);
 * - "bonus": 1.5 · near, replaced by 2 + 7 · in-place while the TCP is at most 3 cm above the
 *   table and within 7 cm of the plate; margins the starting distances less 5 cm (the others).
 */
export type PlateRewardShape = "product" | "bonus";

/** What distinguishes the four plate-slide variants. */
export interface PlateSlideVariant {
  readonly name: string;
  readonly description: string;
  readonly netFacing: NetFacing;
  /** Where the net stands for a configuration (plate-slide's follows the goal). */
  readonly netPosition: (goal: Vec3) => Vec3;
  /** Where the plate's centre starts (the reference's joint start: channel + its qpos). */
  readonly plateStart: Vec3;
  /**
   * The reference's obj_init_pos, which its margins read; not always where the plate starts
   * (plate-slide-back's is 10 cm behind the plate, plate-slide-back-side's 10 cm beside it).
   */
  readonly referenceObjectStart: Vec3;
  readonly goalLow: Vec3;
  readonly goalHigh: Vec3;
  readonly rewardShape: PlateRewardShape;
  /** Unit direction (in xy) the expert pushes the plate in. */
  readonly pushDirection: readonly [number, number];
}

/**
 * plate-slide: push the plate away from the robot, from (0, 0.6) into the net standing at the goal
 * (x ∈ [−0.1, 0.1], y ∈ [0.85, 0.9], on the table).
 *
 * The reference's v2 reward: near = long-tail tolerance of ‖TCP − plate‖ within 5 cm, margin the
 * distance from the TCP at reset to the reference's plate start (0, 0.6, 0); in-place = long-tail
 * tolerance of ‖plate − goal‖ within 5 cm, margin ‖(0, 0.6, 0) − goal‖; reward = 8 · Hamacher(near,
 * in-place), 10 once the plate is within 5 cm of the goal (3-D: the goal lies on the table, 1.5 cm
 * below the plate's centre). The gripper action plays no part. The reference's net stops the
 * plate 1.9 cm past the goal; ours is scenery and the y joint limit (0.9) stops it instead.
 */
export const plateSlideTask: ManipulationTask = definePlateSlideTask({
  name: "plate-slide",
  description: "Slide the plate across the table away from you into the goal net. Each configuration places the net at random.",
  netFacing: "robot",
  netPosition: (goal) => goal,
  plateStart: [0, 0.6, PLATE_HALF_SIZE[2]],
  referenceObjectStart: [0, 0.6, 0],
  goalLow: [-0.1, 0.85, 0],
  goalHigh: [0.1, 0.9, 0],
  rewardShape: "product",
  pushDirection: [0, 1],
});

/**
 * One step of a plate-slide variant: its v2 reward, written from the reference's compute_reward,
 * success and diagnostics. Reads the observation in place (no per-step arrays).
 */
export function plateSlideEvaluation(variant: PlateSlideVariant, observation: Float32Array, gripper: GripperReadings): StepEvaluation {
  const at = Observation.object1Position;
  const plateX = observation[at]!;
  const plateY = observation[at + 1]!;
  const plateZ = observation[at + 2]!;
  const goalX = observation[Observation.goal]!;
  const goalY = observation[Observation.goal + 1]!;
  const goalZ = observation[Observation.goal + 2]!;
  const tcp = gripper.tcp;
  const initialTcp = gripper.initialTcp;
  const start = variant.referenceObjectStart;
  const plateToGoal = Math.hypot(plateX - goalX, plateY - goalY, plateZ - goalZ);
  const tcpToPlate = Math.hypot(plateX - tcp[0]!, plateY - tcp[1]!, plateZ - tcp[2]!);
  const startToGoal = Math.hypot(start[0] - goalX, start[1] - goalY, start[2] - goalZ);
  const tcpToStart = Math.hypot(start[0] - initialTcp[0]!, start[1] - initialTcp[1]!, start[2] - initialTcp[2]!);
  // The "bonus" variants subtract the radius from both margins; plate-slide does not.
  const marginCut = variant.rewardShape === "bonus" ? PLATE_TARGET_RADIUS : 0;
  const inPlace = longTailTolerance(plateToGoal, PLATE_TARGET_RADIUS, startToGoal - marginCut);
  const near = longTailTolerance(tcpToPlate, PLATE_TARGET_RADIUS, tcpToStart - marginCut);
  let reward: number;
  if (variant.rewardShape === "product") {
    reward = 8 * hamacherProduct(near, inPlace);
  } else {
    reward = tcp[2]! <= 0.03 && tcpToPlate < 0.07 ? 2 + 7 * inPlace : 1.5 * near;
  }
  return {
    reward: plateToGoal < PLATE_TARGET_RADIUS ? 10 : reward,
    success: plateToGoal <= PLATE_SUCCESS_DISTANCE,
    nearObject: tcpToPlate <= 0.03 ? 1 : 0,
    graspSuccess: false,
    graspReward: near,
    inPlaceReward: inPlace,
    objectToTarget: plateToGoal,
  };
}

/**
 * A plate-slide task from its variant. Success: ‖plate − goal‖ ≤ 0.07 (3-D: plate-slide's and
 * plate-slide-side's goals lie on the table, 1.5 cm below the plate's centre, as in the
 * reference). Diagnostics as the reference's: near_object = TCP within 3 cm of the plate,
 * grasp_success always false, grasp_reward = the near term. The hand starts at (0, 0.6, 0.2).
 */
export function definePlateSlideTask(variant: PlateSlideVariant): ManipulationTask {
  return {
    name: variant.name,
    description: variant.description,
    scene: { name: variant.name, worldbody: plateWorldbody(variant.netFacing) },
    successThreshold: PLATE_SUCCESS_DISTANCE,
    handStart: [0, 0.6, 0.2],
    // The reference draws the goal alone (its plate range is a single point), with no rejection.
    sampleConfiguration: (rng) => ({ object: variant.referenceObjectStart, goal: uniformIn(rng, variant.goalLow, variant.goalHigh) }),
    bind(simulation) {
      const scene = new PlateScene(simulation);
      return {
        reset: (configuration) => scene.reset(variant.plateStart, variant.netPosition(configuration.goal)),
        observeObjects: (out, offset) => scene.observeObjects(out, offset),
        evaluate: (observation, _initial, gripper) => plateSlideEvaluation(variant, observation, gripper),
      };
    },
    createExpert: () => platePushExpert(variant.pushDirection),
  };
}

type PushPhase = "approach" | "descend" | "push";

/**
 * Scripted push: with the fingers shut (the pads then form one 2.4 cm block), go above the
 * plate's trailing edge, descend to the table, and push until the plate's centre reaches the goal
 * (the pads' target is the goal less the plate's half-width and a pad's half-width along the push
 * direction). Re-approaches if the plate falls behind the pads by more than 3 cm.
 */
export function platePushExpert(direction: readonly [number, number]): ExpertPolicy {
  const contactOffset = PLATE_HALF_SIZE[0] + FINGER_PAD_HALF_SIZE[0];
  const pushHeight = 0.012;
  let phase: PushPhase = "approach";
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const plate = objectPosition(observation);
      const goal = goalPosition(observation);
      const behind: Vec3 = [plate[0] - direction[0] * (contactOffset + 0.008), plate[1] - direction[1] * (contactOffset + 0.008), pushHeight];
      const above: Vec3 = [behind[0], behind[1], 0.07];
      const planarToBehind = Math.hypot(tcp[0] - behind[0], tcp[1] - behind[1]);
      if (phase === "approach" && planarToBehind < 0.01 && Math.abs(tcp[2] - above[2]) < 0.02) phase = "descend";
      if (phase === "descend" && planarToBehind > 0.02) phase = "approach";
      if (phase === "descend" && tcp[2] < pushHeight + 0.008) phase = "push";
      if (phase === "push" && planarToBehind > 0.03) phase = "approach";
      switch (phase) {
        case "approach":
          moveTowards(observation, above, 1, action);
          break;
        case "descend":
          moveTowards(observation, behind, 1, action);
          break;
        case "push":
          moveTowards(observation, [goal[0] - direction[0] * contactOffset, goal[1] - direction[1] * contactOffset, pushHeight], 1, action);
          break;
      }
    },
  };
}
