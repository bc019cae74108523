import { expertTcp, moveTowards } from "../expert-motion.js";
import { Observation, objectPosition } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, tolerance, type Vec3 } from "../reward-shaping.js";
import { ScalarJoint, clearObjectSlot, mocapSlot, observeBodyQuaternion, observeSite, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type ManipulationTask } from "../task.js";

/** The lever's length from its hinge to the centre of its ball (the reference's LEVER_RADIUS). */
const LEVER_LENGTH = 0.2;
/** The hinge relative to the base on the table: to the base's +x side, 0.25 m up. */
const HINGE: Vec3 = [0.12, 0, 0.25];
const BALL_RADIUS = 0.03;
/** Success: the lever within π/24 (7.5°) of straight up. */
const SUCCESS_ANGLE_ERROR = Math.PI / 24;
/** The reward's "shoulder" offset from the hand, and its per-axis weights (the reference's). */
const SHOULDER_OFFSET: Vec3 = [0, 0.055, 0.07];
const SHOULDER_SCALE: Vec3 = [4, 1, 4];
/**
 * The return spring (N·m/rad). The reference's lever is held down by its joint limit (0 to 1.57
 * degrees, as its MJCF leaves the compiler in degrees), which the hand overrides by pushing and
 * which snaps the lever back down once let go (from 1.5 rad to 0 in ≈ 15 steps). Our spring stands
 * in for that pull, as strong as our pads can still push against near the hinge: let go upright,
 * the lever is back under 0.2 rad after ≈ 160 steps (a spring of 5 is too strong for them).
 */
const RETURN_STIFFNESS = 2;

/**
 * lever-pull: swing a lever that points at the robot up until it points straight up.
 *
 * A base (x ±0.1, y 0.7–0.8 on the table, solid to the pads, as the reference's is) carries a hinge
 * 0.25 m up and 0.12 m to its +x side; the lever, a rod ending in a ball, points 0.2 m towards the
 * robot (−y) at rest and swings up about the hinge against a weak return spring. Object 1 is the
 * ball's centre and the lever's orientation (w, x, y, z, a rotation about −x by the lever angle;
 * the reference reports scipy's x, y, z, w); the goal is the ball's centre with the lever straight
 * up, base + (0.12, 0, 0.45). The reference's v2 reward, no success override: 10 ·
 * Hamacher(ready-to-lift, in-place), where ready-to-lift = long-tail tolerance of the "shoulder"
 * distance ‖(4, 1, 4) ⊙ (hand + (0, 0.055, 0.07) − ball)‖ within 2 cm, margin the same with the TCP
 * at reset and the ball at rest (the reference mixes hand and TCP as written); in-place = long-tail
 * tolerance of ‖ball − goal‖ within 4 cm, margin its value at rest. Success: |lever angle − π/2| ≤
 * π/24. Info as the reference's: near_object = shoulder distance < 0.03, grasp_success =
 * ready-to-lift > 0.9, grasp_reward = ready-to-lift, in_place_reward = the lever engagement
 * (long-tail tolerance of the angle error within π/48, margin π/2 − π/12, not in the reward),
 * obj_to_target = the shoulder distance. The hand starts at (0, 0.4, 0.2).
 * Differences: plain rod and ball; our hand point is 5 cm above the TCP (the reference's 4.5), and
 * only the finger pads touch the lever, so the "shoulder" pose the reward favours (hand 7 cm under
 * the ball) cannot lift it by itself: our expert pushes the rod 8 cm from the hinge with the
 * closed pads, reaching that pose only towards the top, where the reference's lifts with its hand body;
 * a weak return spring stands in for the reference's overridden joint limit.
 */
export const leverPullTask: ManipulationTask = {
  name: "lever-pull",
  description: "Swing the lever that points at you up until it points straight up. Each configuration places the lever's base at random.",
  scene: { name: "lever-pull", worldbody: leverWorldbody() },
  successThreshold: SUCCESS_ANGLE_ERROR,
  handStart: [0, 0.4, 0.2],
  sampleConfiguration(rng) {
    const base = uniformIn(rng, [-0.1, 0.7, 0], [0.1, 0.8, 0]);
    return { object: base, goal: [base[0] + HINGE[0], base[1] + HINGE[1], base[2] + HINGE[2] + LEVER_LENGTH] };
  },
  bind(simulation) {
    const baseSlot = mocapSlot(simulation, "lever_base");
    const hinge = new ScalarJoint(simulation, "lever_hinge");
    const ballSite = simulation.id("site", "lever_ball");
    const leverBody = simulation.id("body", "lever");
    return {
      reset(configuration) {
        placeMocap(simulation, baseSlot, configuration.object);
        hinge.value = 0;
      },
      observeObjects(out, offset) {
        observeSite(simulation, ballSite, out, offset);
        observeBodyQuaternion(simulation, leverBody, out, offset + 3);
        clearObjectSlot(out, offset + 7);
      },
      evaluate(observation, initial, gripper) {
        const ball = objectPosition(observation);
        const goal = Observation.goal;
        // The ball's rest position as the reference computes it (base + (0.12, −0.2, 0.25)), from the goal straight above the hinge.
        const ballAtRest: Vec3 = [initial[goal]!, initial[goal + 1]! - LEVER_LENGTH, initial[goal + 2]! - LEVER_LENGTH];
        const hand = Observation.hand;
        const shoulderToBall = shoulderDistance(observation, hand, ball);
        const readyToLift = longTailTolerance(shoulderToBall, 0.02, shoulderDistance(gripper.initialTcp, 0, ballAtRest));
        const angleError = Math.abs(leverAngle(observation) - Math.PI / 2);
        const engagement = tolerance(angleError, 0, Math.PI / 48, Math.PI / 2 - Math.PI / 12, "long_tail");
        const toGoal = Math.hypot(ball[0] - observation[goal]!, ball[1] - observation[goal + 1]!, ball[2] - observation[goal + 2]!);
        const restToGoal = Math.hypot(ballAtRest[0] - initial[goal]!, ballAtRest[1] - initial[goal + 1]!, ballAtRest[2] - initial[goal + 2]!);
        const inPlace = longTailTolerance(toGoal, 0.04, restToGoal);
        return {
          reward: 10 * hamacherProduct(readyToLift, inPlace),
          success: angleError <= SUCCESS_ANGLE_ERROR,
          nearObject: shoulderToBall < 0.03 ? 1 : 0,
          graspSuccess: readyToLift > 0.9,
          graspReward: readyToLift,
          inPlaceReward: engagement,
          objectToTarget: shoulderToBall,
        };
      },
    };
  },
  createExpert: leverPushExpert,
};

/** ‖(4, 1, 4) ⊙ (point + (0, 0.055, 0.07) − ball)‖ for the point at `from[at..at+2]`: the reward's "shoulder" distance. */
function shoulderDistance(from: ArrayLike<number>, at: number, ball: Vec3): number {
  return Math.hypot(
    SHOULDER_SCALE[0] * (from[at]! + SHOULDER_OFFSET[0] - ball[0]),
    SHOULDER_SCALE[1] * (from[at + 1]! + SHOULDER_OFFSET[1] - ball[1]),
    SHOULDER_SCALE[2] * (from[at + 2]! + SHOULDER_OFFSET[2] - ball[2]),
  );
}

/** The lever angle (0 pointing at the robot, π/2 straight up) from object 1's quaternion, a rotation about −x. */
export function leverAngle(observation: Float32Array): number {
  const w = observation[Observation.object1Quaternion]!;
  const x = observation[Observation.object1Quaternion + 1]!;
  return -2 * Math.atan2(x, w);
}

function leverWorldbody(): string {
  return `    <body name="lever_base" mocap="true" pos="0 0.75 0">
      <geom name="lever_plate" type="box" class="handle" pos="0 0 0.013" size="0.05 0.092 0.013" rgba="${SceneColors.cabinet}"/>
      <geom name="lever_post" type="box" class="handle" pos="0 0 0.125" size="0.041 0.083 0.125" rgba="${SceneColors.cabinet}"/>
      <geom name="lever_housing" type="cylinder" class="handle" euler="0 1.5707963267948966 0" pos="0 0 0.25" size="0.083 0.041" rgba="${SceneColors.cabinet}"/>
      <body name="lever" pos="${vec(...HINGE)}">
        <joint name="lever_hinge" type="hinge" axis="-1 0 0" range="0 ${Math.PI}" stiffness="${RETURN_STIFFNESS}" springref="0" damping="2" armature="0.001"/>
        <geom name="lever_hub" type="cylinder" class="decor" euler="0 1.5707963267948966 0" size="0.038 0.016" rgba="${SceneColors.handle}"/>
        <geom name="lever_rod" type="capsule" class="handle" fromto="${vec(0, -0.02, 0, 0, -LEVER_LENGTH, 0)}" size="0.012" mass="0.002" rgba="${SceneColors.handle}"/>
        <geom name="lever_ball" type="sphere" class="handle" pos="${vec(0, -LEVER_LENGTH, 0)}" size="${BALL_RADIUS}" mass="0.002" rgba="${SceneColors.object}"/>
        <site name="lever_ball" pos="${vec(0, -LEVER_LENGTH, 0)}" size="0.005"/>
      </body>
    </body>`;
}

/** Where along the rod (from the hinge) the expert pushes: 8 of its 20 cm, which brings its hand to the reward's "shoulder" pose at the top. */
const PUSH_RADIUS = 0.08;
const ROD_RADIUS = 0.012;

/**
 * Scripted lever push: come in under the rod PUSH_RADIUS from the hinge (below it, so the pads
 * never land on the lever), then keep the closed pads on the rod's trailing side a little ahead of
 * the lever's angle, walking it round to a little past straight up, where they hold it against the
 * return spring. Pushing near the hinge rather than at the ball keeps the hand lower, and brings
 * it to the reward's "shoulder" pose (7 cm under the ball, 5.5 cm in front of it) at the top.
 */
function leverPushExpert(): ExpertPolicy {
  let engaged = false;
  return {
    act(observation, action) {
      const ball = objectPosition(observation);
      const angle = leverAngle(observation);
      // The hinge from the ball and the angle: the ball is at hinge + L (−cos θ, sin θ) in (y, z).
      const hingeY = ball[1] + LEVER_LENGTH * Math.cos(angle);
      const hingeZ = ball[2] - LEVER_LENGTH * Math.sin(angle);
      const tcp = expertTcp(observation);
      if (!engaged) {
        const under: Vec3 = [ball[0], hingeY - PUSH_RADIUS * Math.cos(angle), hingeZ + PUSH_RADIUS * Math.sin(angle) - 0.06];
        const horizontalError = Math.hypot(tcp[0] - under[0], tcp[1] - under[1]);
        if (horizontalError < 0.01 && Math.abs(tcp[2] - under[2]) < 0.02) engaged = true;
        moveTowards(observation, horizontalError > 0.015 ? [under[0], under[1], Math.min(tcp[2], under[2])] : under, 1, action);
        return;
      }
      // Where the pushed point of the rod should go next, and the pads' centre behind it (against
      // the direction of travel, (sin, cos) in (y, z)); the pads' box reaches 1.2 cm in y, 2.2 cm in z.
      const ahead = Math.min(angle + 0.35, Math.PI / 2 + 0.12);
      const pointY = hingeY - PUSH_RADIUS * Math.cos(ahead);
      const pointZ = hingeZ + PUSH_RADIUS * Math.sin(ahead);
      const standOff = ROD_RADIUS + 0.012 * Math.abs(Math.sin(ahead)) + 0.022 * Math.abs(Math.cos(ahead));
      moveTowards(observation, [ball[0], pointY - standOff * Math.sin(ahead), pointZ - standOff * Math.cos(ahead)], 1, action);
    },
  };
}
