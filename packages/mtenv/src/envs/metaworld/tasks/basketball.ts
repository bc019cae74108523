import { pickAndCarryExpert } from "../block-object.js";
import { cagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { hamacherProduct, tolerance, type Vec3 } from "../reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { drawUntil, planarDistance, uniformIn, type ManipulationTask } from "../task.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { add, subtract } from "../vector.js";

/** The ball's range (the reference's; it rests at z 0.03, its radius). */
const BALL_LOW: Vec3 = [-0.1, 0.6, 0.03];
const BALL_HIGH: Vec3 = [0.1, 0.7, 0.03];
const BALL_RADIUS = 0.03;
/** The hoop stand's range on the table (the reference's basket range). */
const STAND_LOW: Vec3 = [-0.1, 0.85, 0];
const STAND_HIGH: Vec3 = [0.1, 0.9, 0];
/** The hoop's centre relative to its stand: the goal (the reference's hooplink offset). */
const HOOP_FROM_STAND: Vec3 = [0, -0.083, 0.25];
/** The reference redraws until ball and stand are this far apart in xy. */
const MINIMUM_SEPARATION = 0.15;
/** The reward aims at this height above the hoop's centre line (the reference forces its target z to 0.3). */
const TARGET_HEIGHT = 0.3;
/** Success, the in-place bound and the jump to 10: the z-doubled distance to the target within 8 cm. */
const TARGET_RADIUS = 0.08;

/**
 * basketball: pick the ball up and put it through the hoop.
 *
 * A 3 cm-radius ball (0.1 kg, free) and a hoop stand on the table (backboard, pole and a ring of
 * eight capsules 25 cm up, 8.3 cm in front of the backboard, wide enough for the ball); the goal is
 * the ring's centre. Object 1 is the ball's centre and orientation. Ranges: ball x ±0.1, y 0.6–0.7;
 * stand x ±0.1, y 0.85–0.9, ≥ 15 cm from the ball in xy (the reference's).
 *
 * The reference's v2 reward: target = (goal x, goal y, 0.3); in-place = long-tail tolerance of
 * ‖(ball − target) · (1, 1, 2)‖ within 8 cm, margin its value at reset; grasp = caging reward
 * (object radius 0.025, pads within 0.06, TCP within 5 mm in x–z, high density, reading the
 * commanded gripper action), replaced by 1 while the TCP is within 3.5 cm of the ball, obs[3] > 0
 * and the ball is lifted more than 1 cm; reward = Hamacher(grasp, in-place), plus 1 + 5 · in-place
 * under that same condition; 10 once the scaled distance is below 8 cm. Success: scaled distance ≤
 * 0.08. Diagnostics: near_object = ‖TCP − ball‖ ≤ 0.05; grasp_success = obs[3] > 0 and the ball
 * lifted more than 3 cm; obj_to_target = the scaled distance. The hand starts at (0, 0.6, 0.2).
 * Differences: only the ball collides with the stand (our fingers pass through fixtures).
 */
export const basketballTask: ManipulationTask = {
  name: "basketball",
  description: "Pick up the ball and put it through the basketball hoop. Each configuration places the ball and the hoop at random.",
  scene: { name: "basketball", worldbody: ballAndHoopWorldbody() },
  successThreshold: TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    const { ball, stand } = drawUntil(
      () => ({ ball: uniformIn(rng, BALL_LOW, BALL_HIGH), stand: uniformIn(rng, STAND_LOW, STAND_HIGH) }),
      (candidate) => planarDistance(candidate.ball, candidate.stand) >= MINIMUM_SEPARATION,
    );
    return { object: ball, goal: add(stand, HOOP_FROM_STAND) };
  },
  bind(simulation) {
    const ball = new FreeJoint(simulation, "ball");
    const standSlot = mocapSlot(simulation, "hoop_stand");
    // The ball now and at reset, refilled each step (no allocation per step).
    const position = scratchPoint();
    const start = scratchPoint();
    return {
      reset(configuration) {
        ball.place(configuration.object);
        const goal = configuration.goal;
        placeMocap(simulation, standSlot, subtract(goal, HOOP_FROM_STAND));
      },
      observeObjects(out, offset) {
        ball.observe(out, offset);
        clearObjectSlot(out, offset + 7);
      },
      evaluate(observation, initial, gripper) {
        readPoint(position, observation, Observation.object1Position);
        readPoint(start, initial, Observation.object1Position);
        const toTarget = scaledDistanceToTarget(observation, position);
        const inPlace = tolerance(toTarget, 0, TARGET_RADIUS, scaledDistanceToTarget(observation, start), "long_tail");
        const opening = observation[Observation.gripperOpening]!;
        const tcpToBall = tcpDistance(gripper, position);
        const held = tcpToBall < 0.035 && opening > 0 && position[2] - 0.01 > start[2];
        const grasp = held ? 1 : cagingReward(gripper, position, start, CAGING);
        let reward = hamacherProduct(grasp, inPlace);
        if (held) reward += 1 + 5 * inPlace;
        const success = toTarget <= TARGET_RADIUS;
        return {
          reward: toTarget < TARGET_RADIUS ? 10 : reward,
          success,
          nearObject: tcpToBall <= 0.05 ? 1 : 0,
          graspSuccess: opening > 0 && position[2] - 0.03 > start[2],
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: toTarget,
        };
      },
    };
  },
  // Pick the ball up, lift it straight up over the ring's height, then carry it above the ring.
  createExpert: () =>
    pickAndCarryExpert((observation) => {
      const ball = objectPosition(observation);
      const goal = goalPosition(observation);
      if (ball[2] < TARGET_HEIGHT - 0.02) return [ball[0], ball[1], TARGET_HEIGHT + 0.01];
      return [goal[0], goal[1], TARGET_HEIGHT];
    }),
};

/** The reference's caging options for the ball. */
const CAGING = { objectRadius: 0.025, padThreshold: 0.06, xzThreshold: 0.005, highDensity: true } as const;

/** ‖(point − target) · (1, 1, 2)‖, the target being TARGET_HEIGHT above the goal's x and y. */
function scaledDistanceToTarget(observation: Float32Array, point: Vec3): number {
  const goal = Observation.goal;
  return Math.hypot(point[0] - observation[goal]!, point[1] - observation[goal + 1]!, 2 * (point[2] - TARGET_HEIGHT));
}

/** The ball (a free body) and the hoop stand (a mocap body at the stand's position on the table). */
function ballAndHoopWorldbody(): string {
  const ringRadius = 0.045;
  const ring = Array.from({ length: 8 }, (_, i) => {
    const angle = (i * Math.PI) / 4;
    // Each segment is tangent to the ring: a capsule whose axis (its local z) lies along the tangent.
    const position: Vec3 = [HOOP_FROM_STAND[0] + ringRadius * Math.cos(angle), HOOP_FROM_STAND[1] + ringRadius * Math.sin(angle), HOOP_FROM_STAND[2]];
    return `<geom name="hoop_ring_${i}" type="capsule" class="fixture" pos="${vec(...position)}" zaxis="${vec(-Math.sin(angle), Math.cos(angle), 0)}" size="0.008 0.016" rgba="${SceneColors.object}"/>`;
  }).join("\n      ");
  return `    <body name="ball" pos="0 0.65 ${BALL_RADIUS}">
      <freejoint name="ball"/>
      <geom name="ball" type="sphere" class="freeObject" size="${BALL_RADIUS}" mass="0.1" rgba="${SceneColors.accent}"/>
    </body>
    <body name="hoop_stand" mocap="true" pos="0 0.875 0">
      <geom name="hoop_backboard" type="box" class="fixture" pos="0 0 0.29" size="0.1 0.01 0.07" rgba="${SceneColors.cabinet}"/>
      <geom name="hoop_pole" type="cylinder" class="fixture" pos="0 0 0.118" size="0.007 0.108" rgba="${SceneColors.handle}"/>
      <geom name="hoop_bracket" type="box" class="decor" pos="${vec(0, (HOOP_FROM_STAND[1] + ringRadius) / 2 - 0.005, HOOP_FROM_STAND[2])}" size="${vec(0.008, (-HOOP_FROM_STAND[1] - ringRadius) / 2, 0.004)}" rgba="${SceneColors.handle}"/>
      ${ring}
    </body>`;
}
