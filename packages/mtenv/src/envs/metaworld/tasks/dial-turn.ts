import { ArticulatedObject } from "../articulated-object.js";
import { Observation, goalPosition, objectPosition, objectToGoalDistance } from "../observation-layout.js";
import { closingEffort, hamacherProduct, tolerance, type Vec3 } from "../reward-shaping.js";
import { rotaryPushExpert } from "../rotary-push-expert.js";
import { SceneColors, vec } from "../scene.js";
import { uniformIn, type ManipulationTask } from "../task.js";
import { add } from "../vector.js";

/** Dial base range: the reference's object range (the dial stands on the table). */
const DIAL_LOW: Vec3 = [-0.1, 0.7, 0];
const DIAL_HIGH: Vec3 = [0.1, 0.8, 0];
/** The observed point: on the dial's rim, this far from its axis (the reference's 0.05). */
const RIM_RADIUS = 0.05;
/** The goal, relative to the dial's base (the reference's +3 cm in y and z). */
const GOAL_FROM_BASE: Vec3 = [0, 0.03, 0.03];
/** Where the reward wants the TCP, relative to the rim point (the reference's dial push position). */
const PUSH_FROM_RIM: Vec3 = [0.05, 0.02, 0.09];
/** Success and the in-place bound: the rim point within 7 cm of the goal. */
const TARGET_RADIUS = 0.07;
/** The knob bar on top of the dial: half-extents and the height of its centre. */
const KNOB_HALF_SIZE: Vec3 = [0.015, 0.046, 0.015];
const KNOB_HEIGHT = 0.051;

/**
 * dial-turn: turn a dial on the table a quarter turn by pushing its knob bar round.
 *
 * The dial is a disc (radius 5 cm) with a bar across its top; it turns about a vertical axis on
 * a damped hinge (the reference's damping 1, range ±3.14 rad). Object 1 is the point on the rim 5
 * cm from the axis, towards the robot at reset, and the orientation of the dial's fixed base
 * (identity), as in the reference. The goal is the base + (0, 0.03, 0.03); since the rim point
 * stays at z 0, success (‖rim point − goal‖ ≤ 0.07) needs the dial turned ≳ 78° either way.
 *
 * The reference's v2 reward, 10 · Hamacher(reach, in-place), no success override: in-place =
 * long-tail tolerance of ‖rim point − goal‖ within 7 cm, margin |‖push point at reset − goal‖ −
 * 0.07| (the reference measures that margin from its push point, not the rim point); reach =
 * Hamacher(Gaussian tolerance of ‖TCP − push point‖ within 5 mm, margin its value at reset minus
 * 5 mm, the commanded closing effort clip(a[3], 0, 1)), the push point being rim point + (0.05,
 * 0.02, 0.09). Diagnostics: near_object = ‖TCP − push point‖ ≤ 0.01, grasp_success always,
 * grasp_reward = reach. The hand starts at (0, 0.6, 0.2).
 * Differences: only the bar collides (the disc is scenery), so the pads cannot catch on the rim.
 * The expert turns the dial clockwise seen from above (the way the reference's scripted policy
 * does), fingers commanded closed.
 */
export const dialTurnTask: ManipulationTask = {
  name: "dial-turn",
  description: "Turn the dial on the table about a quarter turn by pushing its knob round. Each configuration places the dial at random.",
  scene: { name: "dial-turn", worldbody: dialWorldbody() },
  successThreshold: TARGET_RADIUS,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    const base = uniformIn(rng, DIAL_LOW, DIAL_HIGH);
    return { object: base, goal: add(base, GOAL_FROM_BASE) };
  },
  bind(simulation) {
    // The reference observes its fixed base's orientation: ours is the mocap base's (identity).
    const dial = new ArticulatedObject(simulation, { base: "dial", joint: "dial_turn", handleSite: "dial_rim", movingBody: "dial" });
    return {
      reset: (configuration) => dial.reset(configuration, 0),
      observeObjects: (out, offset) => dial.observeObjects(out, offset),
      evaluate(observation, initial, gripper) {
        const rim = Observation.object1Position;
        const toGoal = objectToGoalDistance(observation);
        const pushAtResetToGoal = pushPointDistance(initial, rim, observation, Observation.goal);
        const inPlace = tolerance(toGoal, 0, TARGET_RADIUS, Math.abs(pushAtResetToGoal - TARGET_RADIUS), "long_tail");
        const reachRadius = 0.005;
        const tcpToPush = pushPointDistance(observation, rim, gripper.tcp, 0);
        const pushAtResetToStartTcp = pushPointDistance(initial, rim, gripper.initialTcp, 0);
        const near = tolerance(tcpToPush, 0, reachRadius, Math.abs(pushAtResetToStartTcp - reachRadius), "gaussian");
        const reach = hamacherProduct(near, closingEffort(gripper.gripperAction));
        return {
          reward: 10 * hamacherProduct(reach, inPlace),
          success: toGoal <= TARGET_RADIUS,
          nearObject: tcpToPush <= 0.01 ? 1 : 0,
          graspSuccess: true,
          graspReward: reach,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    };
  },
  createExpert: () =>
    rotaryPushExpert({
      read(observation) {
        const goal = goalPosition(observation);
        const axis: Vec3 = [goal[0] - GOAL_FROM_BASE[0], goal[1] - GOAL_FROM_BASE[1], 0];
        const rim = objectPosition(observation);
        return { axis, angle: Math.atan2(rim[0] - axis[0], axis[1] - rim[1]) };
      },
      radius: 0.035,
      sideOffset: KNOB_HALF_SIZE[0] + 0.012 + 0.005,
      direction: -1,
      pushHeight: KNOB_HEIGHT,
      clearance: 0.12,
      grip: 1,
    }),
};

/** ‖(rim point read at from[at..at+2]) + PUSH_FROM_RIM − to[toAt..toAt+2]‖, without allocating. */
function pushPointDistance(from: ArrayLike<number>, at: number, to: ArrayLike<number>, toAt: number): number {
  return Math.hypot(
    from[at]! + PUSH_FROM_RIM[0] - to[toAt]!,
    from[at + 1]! + PUSH_FROM_RIM[1] - to[toAt + 1]!,
    from[at + 2]! + PUSH_FROM_RIM[2] - to[toAt + 2]!,
  );
}

/** The dial: a mocap base at the configuration's position, the disc and bar turning on a hinge about z. */
function dialWorldbody(): string {
  return `    <body name="dial" mocap="true" pos="0 0.75 0">
      <body name="dial_disc">
        <joint name="dial_turn" type="hinge" axis="0 0 1" range="-3.14 3.14" damping="1" armature="0.001"/>
        <geom name="dial_disc" type="cylinder" class="decor" pos="0 0 0.018" size="${vec(RIM_RADIUS, 0.018)}" mass="0.1" rgba="${SceneColors.cabinet}"/>
        <geom name="dial_knob" type="box" class="handle" pos="${vec(0, 0, KNOB_HEIGHT)}" size="${vec(...KNOB_HALF_SIZE)}" mass="0.02" rgba="${SceneColors.handle}"/>
        <geom name="dial_pointer" type="box" class="decor" pos="${vec(0, -0.038, KNOB_HEIGHT + KNOB_HALF_SIZE[2] + 0.002)}" size="0.004 0.008 0.002" rgba="${SceneColors.object}"/>
        <site name="dial_rim" pos="${vec(0, -RIM_RADIUS, 0)}" size="0.005"/>
      </body>
    </body>`;
}
