import { isPinching } from "../block-object.js";
import { expertTcp, moveTowards } from "../expert-motion.js";
import { tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition } from "../observation-layout.js";
import { padCagingGrasp, type PadCagingOptions } from "../pad-caging.js";
import { FINGER_PAD_HALF_SIZE } from "../scene.js";
import { longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { BALL_RADIUS, SoccerScene, soccerWorldbody } from "../soccer-ball.js";
import { drawObjectAndGoalApart, type ExpertPolicy, type ManipulationTask } from "../task.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { bindFromReferenceStart } from "../reference-start.js";

/** The ball's range (the reference's obj_init_pos; z 0.03, 4 mm above where it rests). */
const BALL_LOW: Vec3 = [-0.1, 0.6, 0.03];
const BALL_HIGH: Vec3 = [0.1, 0.7, 0.03];
const GOAL_LOW: Vec3 = [-0.1, 0.8, 0];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0];
/** soccer's own target radius: in-place bound and jump to 10 (x-weighted distance), and success (plain distance). */
const TARGET_RADIUS = 0.07;
/** The reference weighs x errors three times (the goal is narrow). */
const X_WEIGHT = 3;

/** The x-weighted distance ‖(a − b) · (3, 1, 1)‖. */
function weightedDistance(a: Vec3, b: Vec3): number {
  return Math.hypot(X_WEIGHT * (a[0] - b[0]), a[1] - b[1], a[2] - b[2]);
}

/** soccer's constants for sweep's pad caging (object radius, gripping band, x–z bound). */
const SOCCER_CAGING: PadCagingOptions = { objectRadius: 0.013, gripMargin: 0.023, xzMargin: 0.005 };

/**
 * soccer: push the ball along the table into the goal.
 *
 * The reference's v2 reward: distances weigh x three times; in-place = long-tail tolerance of the
 * weighted ‖ball − goal‖ within 7 cm, margin the weighted ‖ball − its reference start‖ (the
 * ball's current displacement, so a ball that has not moved scores 0 outside the radius — kept as
 * is); while the ball is beyond the line 10 cm in front of the goal and more than 10 cm to its
 * side, in-place drops by 2 · (ball y − line) / (1 − line), clipped to [0, 1]; grasp = sweep's pad
 * caging with soccer's constants (object radius 0.013, gripping band to 0.023, TCP within 5 mm in
 * x–z; the gripper action plays no part); reward = 3 · grasp + 6.5 · in-place, 10 once the weighted
 * distance is under 7 cm. Success: the plain (unweighted) ‖ball − goal‖ ≤ 0.07 — the reference
 * tests the distance its reward returns as obj_to_target, which is the unweighted one — so a ball
 * up to 7 cm off the goal point in x succeeds without the 10. Configurations keep ball and goal ≥ 15 cm apart in
 * xy. Diagnostics: near_object = TCP within 3 cm of the ball; grasp_success = pinched, fingers not
 * fully shut and the ball lifted 2 cm above its start.
 */
export const soccerTask: ManipulationTask = {
  name: "soccer",
  description: "Soccer: push the ball along the table into the goal. Each configuration places the ball and the goal at random.",
  scene: { name: "soccer", worldbody: soccerWorldbody() },
  successThreshold: TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) =>
    drawObjectAndGoalApart(rng, [BALL_LOW, BALL_HIGH], [GOAL_LOW, GOAL_HIGH]),
  bind(simulation) {
    const ball = scratchPoint();
    const goal = scratchPoint();
    return bindFromReferenceStart({
      scene: new SoccerScene(simulation),
      evaluate(observation, gripper, referenceStart) {
        readPoint(ball, observation, Observation.object1Position);
        readPoint(goal, observation, Observation.goal);
        const toGoal = weightedDistance(ball, goal);
        let inPlace = longTailTolerance(toGoal, TARGET_RADIUS, weightedDistance(ball, referenceStart));
        const goalLine = goal[1] - 0.1;
        if (ball[1] > goalLine && Math.abs(ball[0] - goal[0]) > 0.1) {
          inPlace = Math.min(Math.max(inPlace - (2 * (ball[1] - goalLine)) / (1 - goalLine), 0), 1);
        }
        const grasp = padCagingGrasp(gripper, ball, referenceStart, SOCCER_CAGING);
        const opening = observation[Observation.gripperOpening]!;
        const plainToGoal = Math.hypot(ball[0] - goal[0], ball[1] - goal[1], ball[2] - goal[2]);
        return {
          reward: toGoal < TARGET_RADIUS ? 10 : 3 * grasp + 6.5 * inPlace,
          success: plainToGoal <= TARGET_RADIUS,
          nearObject: tcpDistance(gripper, ball) <= 0.03 ? 1 : 0,
          graspSuccess: isPinching(gripper, ball) && opening > 0 && ball[2] - 0.02 > referenceStart[2],
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: plainToGoal,
        };
      },
    });
  },
  createExpert: soccerExpert,
};

type KickPhase = "reposition" | "push";

/**
 * Scripted dribble with the fingers shut: push the ball sideways until it is level with the goal
 * (unless the straight line already enters the mouth), then at the goal itself; get behind the
 * ball (over it, not through it) and push it at a walking pace towards the aim, repositioning
 * whenever the ball runs off the line.
 */
function soccerExpert(): ExpertPolicy {
  const standOff = BALL_RADIUS + FINGER_PAD_HALF_SIZE[0] + 0.012;
  let phase: KickPhase = "reposition";
  let straight = false;
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const ball = objectPosition(observation);
      const goal = goalPosition(observation);
      // Straight at the goal once that line enters the mouth with room to spare (lateral offset
      // under a third of the distance still to go) or the ball is near the mouth; until then sideways,
      // level with the ball. Once straight, stay straight.
      straight ||= Math.abs(ball[0] - goal[0]) < (goal[1] - ball[1]) / 3 || ball[1] > goal[1] - 0.12;
      const aim = straight ? [goal[0], goal[1] + 0.02] : [goal[0], ball[1]];
      const length = Math.hypot(aim[0]! - ball[0], aim[1]! - ball[1]) || 1;
      const direction = [(aim[0]! - ball[0]) / length, (aim[1]! - ball[1]) / length] as const;
      const behind: Vec3 = [ball[0] - direction[0] * standOff, ball[1] - direction[1] * standOff, BALL_RADIUS];
      const relative = [tcp[0] - ball[0], tcp[1] - ball[1]] as const;
      const along = relative[0] * direction[0] + relative[1] * direction[1];
      const lateral = Math.abs(relative[0] * direction[1] - relative[1] * direction[0]);
      if (phase === "push" && (lateral > 0.025 || along > -0.01 || along < -standOff - 0.05)) phase = "reposition";
      if (phase === "reposition") {
        const planar = Math.hypot(tcp[0] - behind[0], tcp[1] - behind[1]);
        if (planar > 0.015) {
          moveTowards(observation, [behind[0], behind[1], planar > 0.04 ? 0.09 : Math.max(tcp[2], BALL_RADIUS)], 1, action);
        } else {
          moveTowards(observation, behind, 1, action);
          if (Math.abs(tcp[2] - BALL_RADIUS) < 0.01) phase = "push";
        }
        return;
      }
      // Gentler near a waypoint, so the rolling ball does not overshoot it.
      const gain = straight ? 4 : 4 * Math.min(1, Math.max(0.35, length / 0.08));
      moveTowards(observation, [ball[0] + direction[0] * 0.03, ball[1] + direction[1] * 0.03, BALL_RADIUS], 1, action, gain);
    },
  };
}
