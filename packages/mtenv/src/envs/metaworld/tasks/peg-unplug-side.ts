import { expertTcp, moveTowards } from "../expert-motion.js";
import { GripApproach } from "../grip-approach.js";
import { cagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, objectPosition, objectToGoalDistance } from "../observation-layout.js";
import { readPoint, scratchPoint } from "../point-scratch.js";
import { longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, observeSite, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { uniformIn, type ExpertPolicy, type GripperReadings, type ManipulationTask, type StepEvaluation } from "../task.js";
import { add } from "../vector.js";

/** The socket wall's range (its foot on the table; the reference's box range). */
const WALL_LOW: Vec3 = [-0.25, 0.6, 0];
const WALL_HIGH: Vec3 = [-0.15, 0.8, 0];
/** The plug's origin relative to the wall's foot (the reference's offset), and its goal 15 cm further +x. */
const PLUG_FROM_WALL: Vec3 = [0.044, 0, 0.131];
const PULL_DISTANCE = 0.15;
/** The observed point (the reference's pegEnd site) lies this far +x of the plug's origin. */
const PEG_END_X = 0.04;
/** The wall: 5 cm thick, 20 cm wide, 20 cm tall, with a square hole around the plug's axis. */
const WALL_HALF_THICKNESS = 0.025;
const WALL_HALF_WIDTH = 0.1;
const WALL_HEIGHT = 0.2;
const HOLE_HALF = 0.021;
/** The plug's head (inside the hole) is 1 mm narrower than the hole on each side. */
const PLUG_HEAD_HALF = 0.02;
const SUCCESS_DISTANCE = 0.07;
const IN_PLACE_BOUND = 0.05;

/**
 * peg-unplug-side: grip the plug sticking out of the socket in a wall and pull it out sideways (+x).
 *
 * Object 1 is the plug's end point (4 cm +x of its origin, the reference's pegEnd site) and the
 * plug's orientation; object 2 is unused; the goal is the plug's origin + 15 cm in x. The
 * reference's v2 reward: grasp = caging reward on the end point (object radius 0.025, pads within
 * 0.05, TCP within 0.005 in x–z, high density, full gripping from a[3] = 0.8 on); in-place =
 * long-tail tolerance of ‖end − goal‖ within 5 cm, margin its starting value; reward = 2 · grasp,
 * or 1 + 2 · grasp + 5 · in-place while the observed opening is above 0.5, the end has moved more
 * than 1.5 cm +x and the TCP is within 3.5 cm of it; 10 once the end is within 5 cm of the goal.
 * Success: ‖end − goal‖ ≤ 0.07 (the end starts 11 cm from the goal, so pulling the plug 4 cm out
 * succeeds, as in the reference). Info: near_object = TCP within 3 cm of the end, grasp_success =
 * opening above 0.5 and the end moved more than 1.5 cm.
 *
 * Differs from the reference: the socket is a square hole in a box wall and the plug's head a
 * square peg 1 mm narrower than it (the reference jams a 3 cm sphere into a 2.2 cm hole); the
 * plug's body is a 7.6 cm box with a sphere knob like the reference's collision shapes.
 */
export const pegUnplugSideTask: ManipulationTask = {
  name: "peg-unplug-side",
  description: "Grip the plug sticking out of the socket in a wall and pull it out sideways. Each configuration places the wall with its plug at random.",
  scene: { name: "peg-unplug-side", worldbody: pegUnplugWorldbody() },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration(rng) {
    const wall = uniformIn(rng, WALL_LOW, WALL_HIGH);
    const plug: Vec3 = add(wall, PLUG_FROM_WALL);
    return { object: wall, goal: [plug[0] + PULL_DISTANCE, plug[1], plug[2]], secondObject: plug };
  },
  bind(simulation) {
    const plug = new FreeJoint(simulation, "plug");
    const wallSlot = mocapSlot(simulation, "socket_wall");
    const endSite = simulation.id("site", "plug_end");
    return {
      reset(configuration) {
        placeMocap(simulation, wallSlot, configuration.object);
        const wall = configuration.object;
        plug.place(add(wall, PLUG_FROM_WALL));
      },
      observeObjects(out, offset) {
        observeSite(simulation, endSite, out, offset);
        plug.observeQuaternion(out, offset + 3);
        clearObjectSlot(out, offset + 7);
      },
      evaluate: evaluatePegUnplug,
    };
  },
  createExpert: pegUnplugExpert,
};

/** The caging options of the grasp term (the reference's arguments). */
const GRASP_OPTIONS = { objectRadius: 0.025, padThreshold: 0.05, xzThreshold: 0.005, highDensity: true, desiredGripperEffort: 0.8 } as const;
const endNow = scratchPoint();
const endAtStart = scratchPoint();

/** The reference's v2 reward, success and info for one step (see pegUnplugSideTask). */
function evaluatePegUnplug(observation: Float32Array, initial: Float32Array, gripper: GripperReadings): StepEvaluation {
  const end = readPoint(endNow, observation, Observation.object1Position);
  const endStart = readPoint(endAtStart, initial, Observation.object1Position);
  const toGoal = objectToGoalDistance(observation);
  const inPlace = longTailTolerance(toGoal, IN_PLACE_BOUND, objectToGoalDistance(initial));
  const grasp = cagingReward(gripper, end, endStart, GRASP_OPTIONS);
  const tcpToEnd = tcpDistance(gripper, end);
  const graspSuccess = observation[Observation.gripperOpening]! > 0.5 && end[0] - endStart[0] > 0.015;
  let reward = 2 * grasp;
  if (graspSuccess && tcpToEnd < 0.035) reward = 1 + 2 * grasp + 5 * inPlace;
  return {
    reward: toGoal <= IN_PLACE_BOUND ? 10 : reward,
    success: toGoal <= SUCCESS_DISTANCE,
    nearObject: tcpToEnd <= 0.03 ? 1 : 0,
    graspSuccess,
    graspReward: grasp,
    inPlaceReward: inPlace,
    objectToTarget: toGoal,
  };
}

function pegUnplugWorldbody(): string {
  const t = WALL_HALF_THICKNESS;
  const w = WALL_HALF_WIDTH;
  const axisZ = PLUG_FROM_WALL[2];
  const slab = (name: string, y0: number, y1: number, z0: number, z1: number): string =>
    `      <geom name="${name}" type="box" class="fixture" pos="${vec(0, (y0 + y1) / 2, (z0 + z1) / 2)}" size="${vec(t, (y1 - y0) / 2, (z1 - z0) / 2)}" rgba="0.9 0.9 0.88 1"/>`;
  const h = PLUG_HEAD_HALF;
  return `    <body name="socket_wall" mocap="true" pos="${vec(-0.2, 0.7, 0)}">
${slab("wall_below", -w, w, 0, axisZ - HOLE_HALF)}
${slab("wall_above", -w, w, axisZ + HOLE_HALF, WALL_HEIGHT)}
${slab("wall_left", -w, -HOLE_HALF, axisZ - HOLE_HALF, axisZ + HOLE_HALF)}
${slab("wall_right", HOLE_HALF, w, axisZ - HOLE_HALF, axisZ + HOLE_HALF)}
    </body>
    <body name="plug" pos="${vec(-0.2 + PLUG_FROM_WALL[0], 0.7, axisZ)}">
      <freejoint name="plug"/>
      <geom name="plug_head" type="box" class="freeObject" pos="-0.04 0 0" size="${vec(0.025, h, h)}" mass="0.01" rgba="0.85 0.7 0.2 1"/>
      <geom name="plug_flange" type="cylinder" class="freeObject" fromto="-0.02 0 0 -0.006 0 0" size="0.045" mass="0.01" rgba="0.1 0.1 0.1 1"/>
      <geom name="plug_body" type="box" class="freeObject" condim="4" pos="0.025 0 0" size="0.035 0.038 0.038" mass="0.02" rgba="${SceneColors.object}"/>
      <geom name="plug_knob" type="sphere" class="freeObject" pos="0.06 0 0" size="0.04" mass="0.01" rgba="${SceneColors.object}"/>
      <site name="plug_end" pos="${vec(PEG_END_X, 0, 0)}" size="0.005"/>
    </body>
    <site name="plug_goal" pos="0 0.7 0.131" size="0.01" rgba="${SceneColors.goal}"/>`;
}

/** The expert grips the plug's body 2 cm behind the observed end point (the reference's policy does the same). */
const GRIP_BEHIND_END = 0.02;

/** Scripted expert: over the plug's body, down, close, then pull straight out along +x towards the goal. */
function pegUnplugExpert(): ExpertPolicy {
  const approach = new GripApproach({ closeWithin: 0.006, closingSteps: 12 });
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const end = objectPosition(observation);
      const grip: Vec3 = [end[0] - GRIP_BEHIND_END, end[1], end[2]];
      if (!approach.advance(observation, tcp, grip, action)) return;
      moveTowards(observation, [observation[Observation.goal]! - GRIP_BEHIND_END, grip[1], grip[2]], 1, action);
    },
  };
}
