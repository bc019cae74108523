import { expertTcp, moveTowards } from "../expert-motion.js";
import { GripApproach } from "../grip-approach.js";
import { cagingReward } from "../gripper-caging.js";
import { Observation, objectPosition } from "../observation-layout.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { FreeJoint, ScalarJoint, observeBodyQuaternion, observeSite } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type GripperReadings, type ManipulationTask, type StepEvaluation } from "../task.js";

/** The hammer: a handle (capsule along x, radius 2 cm, 28 cm between its caps' centres) and a head across it at x + 0.16. */
const HANDLE_RADIUS = 0.02;
const HANDLE_HALF_LENGTH = 0.14;
const HEAD_OFFSET_X = 0.16;
const HEAD_RADIUS = 0.038;
const HEAD_HALF_WIDTH = 0.072;
/**
 * Where the hammer is placed: the reference's xy range; level with its head on the table (the
 * reference places it at z 0, inside the table, and lets the contacts push it out).
 */
const HAMMER_LOW: Vec3 = [-0.1, 0.4, HEAD_RADIUS];
const HAMMER_HIGH: Vec3 = [0.1, 0.5, HEAD_RADIUS];
/** The nail box (fixed): its centre on the table; the nail's head starts 21 cm in front of it at 11 cm height. */
const BOX_CENTRE: Vec3 = [0.24, 0.85, 0];
const NAIL_START: Vec3 = [BOX_CENTRE[0], BOX_CENTRE[1] - 0.21, 0.11];
/** The goal: the reference's goal site, 11 cm in front of the box's centre at the nail's height. */
const GOAL: Vec3 = [BOX_CENTRE[0], BOX_CENTRE[1] - 0.11, 0.11];
/** The nail driven this far in (of its 10 cm travel) is a success. */
const NAIL_DRIVEN = 0.09;
/** The reward's head point: the hammer's origin + (0.16, 0.06, 0), the +y face of its head. */
const HEAD_POINT_OFFSET: Vec3 = [HEAD_OFFSET_X, 0.06, 0];
/** Half the reference's handle length: a hand within this of the hammer's origin in x counts as over the handle. */
const HANDLE_REACH_X = HANDLE_HALF_LENGTH / 2;

/**
 * The reference's orientation term: 1 − ‖q − (1, 0, 0, 0)‖ / 0.4, floored at 0, for the hammer's
 * quaternion q (w first): 1 while it lies level along x, 0 once tipped ≈ 46° away.
 */
export function hammerLevelReward(quaternion: ArrayLike<number>, offset: number): number {
  const error = Math.hypot(quaternion[offset]! - 1, quaternion[offset + 1]!, quaternion[offset + 2]!, quaternion[offset + 3]!);
  return Math.max(1 - error / 0.4, 0);
}

/**
 * hammer: pick up the hammer and drive the nail into the box with it.
 *
 * Object 1 is the hammer's origin (the handle's centre) and orientation, object 2 the nail's
 * head and orientation; the goal is a point 11 cm in front of the box's centre at the nail's
 * height (the same in every configuration; only the hammer's place varies, as in the reference).
 * The reference's v2 reward: grasp = caging reward on the hammer's origin with its x replaced by
 * the hand's while the hand is within 7 cm of it in x (object radius 0.015, pads within 0.02,
 * TCP within 0.01 in x–z, high density, full gripping at a[3] = 1); in-place = 0.1 · [head point
 * above 2 cm] + 0.9 · long-tail tolerance of ‖head point − goal‖ within 2 cm, margin 0.2;
 * level = hammerLevelReward; reward = (2 · grasp + 6 · in-place) · level, 10 once the nail is
 * driven more than 9 cm and the reward is above 5. Success: the nail driven more than 9 cm.
 * Info: near_object = the level term, grasp_success = grasp ≥ 0.5, obj_to_target 0 (as the
 * reference reports them).
 *
 * Differs from the reference: the head is one cylinder across the handle (the reference's is
 * five), the hammer weighs 100 g (its 1.1 kg, nearly all in the head, would twist out of our
 * finger pads, which hold by friction at 12 N), the box is one solid block, and the caging
 * margins start from the hammer's resting pose (the reference's from its placement inside the
 * table, 4 cm lower).
 */
export const hammerTask: ManipulationTask = {
  name: "hammer",
  description: "Pick up the hammer and drive the nail into the box with it. Each configuration places the hammer at random.",
  scene: { name: "hammer", worldbody: hammerWorldbody() },
  successThreshold: NAIL_DRIVEN,
  handStart: [0, 0.4, 0.2],
  sampleConfiguration: (rng) => ({ object: uniformIn(rng, HAMMER_LOW, HAMMER_HIGH), goal: GOAL, secondObject: NAIL_START }),
  bind(simulation) {
    const hammer = new FreeJoint(simulation, "hammer");
    const nail = new ScalarJoint(simulation, "nail");
    const nailVelocity = simulation.jointDofAddress("nail");
    const nailSite = simulation.id("site", "nail_head");
    const nailBody = simulation.id("body", "nail");
    return {
      reset(configuration) {
        hammer.place(configuration.object);
        nail.value = 0;
        simulation.qvel[nailVelocity] = 0;
      },
      observeObjects(out, offset) {
        hammer.observe(out, offset);
        observeSite(simulation, nailSite, out, offset + 7);
        observeBodyQuaternion(simulation, nailBody, out, offset + 10);
      },
      evaluate: (observation, initial, gripper) => evaluateHammer(observation, initial, gripper, nail.value),
    };
  },
  createExpert: hammerExpert,
};

/** The caging options of the grasp term (the reference's arguments). */
const GRASP_OPTIONS = { objectRadius: 0.015, padThreshold: 0.02, xzThreshold: 0.01, highDensity: true } as const;
const overHandle = scratchPoint();
const hammerAtStart = scratchPoint();

/** The reference's v2 reward, success and info for one step, given how far the nail is driven (see hammerTask). */
export function evaluateHammer(observation: Float32Array, initial: Float32Array, gripper: GripperReadings, nailDriven: number): StepEvaluation {
  const at = Observation.object1Position;
  const handX = observation[Observation.hand]!;
  readPoint(overHandle, observation, at);
  if (Math.abs(overHandle[0] - handX) < HANDLE_REACH_X) overHandle[0] = handX;
  const grasp = cagingReward(gripper, overHandle, readPoint(hammerAtStart, initial, at), GRASP_OPTIONS);
  const goal = Observation.goal;
  const headZ = observation[at + 2]! + HEAD_POINT_OFFSET[2];
  const headToGoal = Math.hypot(
    observation[at]! + HEAD_POINT_OFFSET[0] - observation[goal]!,
    observation[at + 1]! + HEAD_POINT_OFFSET[1] - observation[goal + 1]!,
    headZ - observation[goal + 2]!,
  );
  const inPlace = 0.1 * (headZ > 0.02 ? 1 : 0) + 0.9 * longTailTolerance(headToGoal, 0.02, 0.2);
  const level = hammerLevelReward(observation, Observation.object1Quaternion);
  const success = nailDriven > NAIL_DRIVEN;
  const reward = (2 * grasp + 6 * inPlace) * level;
  return {
    reward: success && reward > 5 ? 10 : reward,
    success,
    nearObject: level,
    graspSuccess: grasp >= 0.5,
    graspReward: grasp,
    inPlaceReward: inPlace,
    objectToTarget: 0,
  };
}

function hammerWorldbody(): string {
  const [bx, by] = BOX_CENTRE;
  return `    <body name="hammer" pos="${vec(0, 0.45, HEAD_RADIUS)}">
      <freejoint name="hammer"/>
      <geom name="hammer_handle" type="capsule" class="freeObject" condim="4" fromto="${vec(-HANDLE_HALF_LENGTH, 0, 0, HANDLE_HALF_LENGTH, 0, 0)}" size="${HANDLE_RADIUS}" mass="0.05" rgba="0.65 0.1 0.1 1"/>
      <geom name="hammer_head" type="cylinder" class="freeObject" condim="4" fromto="${vec(HEAD_OFFSET_X, -HEAD_HALF_WIDTH, 0, HEAD_OFFSET_X, HEAD_HALF_WIDTH, 0)}" size="${HEAD_RADIUS}" mass="0.05" rgba="0.65 0.65 0.65 1"/>
    </body>
    <geom name="nail_box" type="box" class="fixture" pos="${vec(bx, by, 0.11)}" size="0.1 0.1 0.11" rgba="${SceneColors.table}"/>
    <body name="nail" pos="${vec(...NAIL_START)}">
      <joint name="nail" type="slide" axis="0 1 0" range="0 0.1" damping="2"/>
      <geom name="nail_head" type="cylinder" contype="4" conaffinity="5" fromto="0 -0.009 0 0 0.009 0" size="0.03" mass="0.02" rgba="0.7 0.7 0.72 1"/>
      <geom name="nail_shaft" type="cylinder" class="decor" fromto="0 0.009 0 0 0.117 0" size="0.01" mass="0.01" rgba="0.7 0.7 0.72 1"/>
      <site name="nail_head" pos="0 0 0" size="0.005"/>
    </body>
    <site name="hammer_goal" pos="${vec(...GOAL)}" size="0.01" rgba="${SceneColors.goal}"/>`;
}

type SwingPhase = "lift" | "line-up" | "strike";

/** The expert grips the handle this far +x of its centre, close to the balance point with the head. */
const GRIP_FROM_ORIGIN = 0.06;

/**
 * Scripted expert: grip the handle near the head, lift to the nail's height, line the head's +y
 * face up 3 cm in front of the nail's head, then push through in +y until the nail is in.
 */
function hammerExpert(): ExpertPolicy {
  const approach = new GripApproach({ closeWithin: 0.006, closingSteps: 12 });
  let phase: SwingPhase = "lift";
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const hammer = objectPosition(observation);
      const grip: Vec3 = [hammer[0] + GRIP_FROM_ORIGIN, hammer[1], hammer[2]];
      const nailY = observation[Observation.object2Position + 1]!;
      const nailZ = observation[Observation.object2Position + 2]!;
      const nailX = observation[Observation.object2Position]!;
      if (!approach.advance(observation, tcp, grip, action)) {
        phase = "lift";
        return;
      }
      // The TCP where the head's centre is over the nail and its +y face 3 cm short of the nail's head.
      const lineUp: Vec3 = [nailX - (HEAD_OFFSET_X - GRIP_FROM_ORIGIN), nailY - 0.009 - HEAD_HALF_WIDTH - 0.03, nailZ];
      if (phase === "lift" && tcp[2] > nailZ - 0.015) phase = "line-up";
      if (phase === "line-up" && Math.hypot(tcp[0] - lineUp[0], tcp[1] - lineUp[1], tcp[2] - lineUp[2]) < 0.01) phase = "strike";
      switch (phase) {
        case "lift":
          moveTowards(observation, [tcp[0], tcp[1], nailZ], 1, action);
          break;
        case "line-up":
          moveTowards(observation, lineUp, 1, action);
          break;
        case "strike":
          // Push the face 2 cm past the nail's head, wherever it has got to.
          moveTowards(observation, [lineUp[0], nailY - 0.009 - HEAD_HALF_WIDTH + 0.02, nailZ], 1, action);
          break;
      }
    },
  };
}
