import { ArticulatedObject } from "./articulated-object.js";
import { Observation, goalPosition, objectPosition } from "./observation-layout.js";
import { tolerance, type Vec3 } from "./reward-shaping.js";
import { rotaryPushExpert } from "./rotary-push-expert.js";
import { SceneColors, vec } from "./scene.js";
import { uniformIn, type ManipulationTask } from "./task.js";
import { add } from "./vector.js";

/**
 * The faucet of faucet-open and faucet-close: a column standing on the table (scenery) whose
 * lever handle, at HANDLE_HEIGHT, points towards the robot (−y) at rest and swings a quarter turn
 * either way about the vertical axis (the reference's hinge: range ±1.57 rad, damping 2). Only
 * the lever collides. Object 1 is a point near the lever's tip (the reference's handleStartOpen
 * or handleStartClose site, 1.5 cm to the side the lever must swing away from, 1 cm below the
 * lever's axis) and the orientation of the faucet's fixed base (identity), as in the reference.
 */

/** Height of the lever's pivot above the base (the reference's 0.124). */
const HANDLE_HEIGHT = 0.124;
/** The lever: a capsule of this radius from NECK_LENGTH to LEVER_LENGTH out from the axis. */
const LEVER_RADIUS = 0.017;
const NECK_LENGTH = 0.065;
export const LEVER_LENGTH = 0.175;
/** The goal: the lever swung a quarter turn, LEVER_LENGTH to the side of the base and 0.125 up (the reference's). */
const GOAL_HEIGHT = 0.125;
/** Success and the in-place bound: the reward's lever point within 7 cm of the goal. */
const TARGET_RADIUS = 0.07;
/** The observed tip point sits 1 cm below the lever's pivot height (the reference's −0.01). */
const OBSERVED_BELOW = 0.01;

/** What distinguishes faucet-open from faucet-close. */
export interface FaucetVariant {
  readonly name: "faucet-open" | "faucet-close";
  readonly description: string;
  /** The base's range (the reference's object range). */
  readonly baseRange: readonly [Vec3, Vec3];
  /** +1: the lever swings to +x (open), −1: to −x (close). */
  readonly direction: 1 | -1;
  /** Where the reward reads the lever, relative to the observed point (faucet-open's reward shifts it; faucet-close's does not). */
  readonly rewardPointOffset: Vec3;
}

/**
 * A faucet task. The reference's v2 reward of both: 2 · (2 · reach + 3 · in-place), 10 once the
 * reward's lever point is within 7 cm of the goal, the gripper action ignored. in-place = long-tail
 * tolerance of ‖lever point − goal‖ within 7 cm, margin |‖base − goal‖ − 0.07| (‖(0.175, 0,
 * 0.125)‖, a constant); reach = Gaussian tolerance of ‖TCP − lever point‖ within 1 cm, margin
 * |‖base − TCP at reset‖ − 0.01| (the reference measures from the base on the table). Success:
 * ‖lever point − goal‖ ≤ 0.07; near_object: ‖TCP − lever point‖ ≤ 0.01; grasp_success always;
 * grasp_reward = reach. The hand starts at (0, 0.4, 0.2).
 */
export function faucetTask(variant: FaucetVariant): ManipulationTask {
  const goalFromBase: Vec3 = [variant.direction * LEVER_LENGTH, 0, GOAL_HEIGHT];
  const baseToGoal = Math.hypot(goalFromBase[0], goalFromBase[1], goalFromBase[2]);
  // The observed site, in the lever's frame: 1.5 cm to the side opposite the swing.
  const siteLocal: Vec3 = [-variant.direction * 0.015, -LEVER_LENGTH, 0];
  const siteName = variant.direction > 0 ? "faucet_tip_open" : "faucet_tip_close";
  return {
    name: variant.name,
    description: variant.description,
    scene: { name: variant.name, worldbody: faucetWorldbody() },
    successThreshold: TARGET_RADIUS,
    handStart: [0, 0.4, 0.2],
    sampleConfiguration(rng) {
      const base = uniformIn(rng, variant.baseRange[0], variant.baseRange[1]);
      return { object: base, goal: add(base, goalFromBase) };
    },
    bind(simulation) {
      const faucet = new ArticulatedObject(simulation, { base: "faucet_base", joint: "faucet_lever", handleSite: siteName, movingBody: "faucet_base" }, [0, 0, -OBSERVED_BELOW]);
      return {
        reset: (configuration) => faucet.reset(configuration, 0),
        observeObjects: (out, offset) => faucet.observeObjects(out, offset),
        evaluate(observation, _initial, gripper) {
          // All read in place (no allocation per step): the reward's lever point is the observed
          // point + rewardPointOffset, the base is the goal − goalFromBase.
          const at = Observation.object1Position;
          const goal = Observation.goal;
          const offset = variant.rewardPointOffset;
          const leverX = observation[at]! + offset[0];
          const leverY = observation[at + 1]! + offset[1];
          const leverZ = observation[at + 2]! + offset[2];
          const toGoal = Math.hypot(leverX - observation[goal]!, leverY - observation[goal + 1]!, leverZ - observation[goal + 2]!);
          const inPlace = tolerance(toGoal, 0, TARGET_RADIUS, Math.abs(baseToGoal - TARGET_RADIUS), "long_tail");
          const reachRadius = 0.01;
          const tcp = gripper.tcp;
          const tcpToLever = Math.hypot(leverX - tcp[0]!, leverY - tcp[1]!, leverZ - tcp[2]!);
          const start = gripper.initialTcp;
          const baseToStartTcp = Math.hypot(
            observation[goal]! - goalFromBase[0] - start[0]!,
            observation[goal + 1]! - goalFromBase[1] - start[1]!,
            observation[goal + 2]! - goalFromBase[2] - start[2]!,
          );
          const reach = tolerance(tcpToLever, 0, reachRadius, Math.abs(baseToStartTcp - reachRadius), "gaussian");
          const success = toGoal <= TARGET_RADIUS;
          return {
            reward: success ? 10 : 2 * (2 * reach + 3 * inPlace),
            success,
            nearObject: tcpToLever <= 0.01 ? 1 : 0,
            graspSuccess: true,
            graspReward: reach,
            inPlaceReward: inPlace,
            objectToTarget: toGoal,
          };
        },
      };
    },
    // Fingers closed, push the lever's side near its tip round to the goal side.
    createExpert: () =>
      rotaryPushExpert({
        read(observation) {
          const goal = goalPosition(observation);
          const axis: Vec3 = [goal[0] - goalFromBase[0], goal[1] - goalFromBase[1], 0];
          const site = objectPosition(observation);
          const angle = Math.atan2(site[1] - axis[1], site[0] - axis[0]) - Math.atan2(siteLocal[1], siteLocal[0]);
          return { axis, angle };
        },
        radius: 0.15,
        sideOffset: LEVER_RADIUS + 0.012 + 0.005,
        direction: variant.direction,
        pushHeight: HANDLE_HEIGHT,
        clearance: HANDLE_HEIGHT + 0.08,
        grip: 1,
      }),
  };
}

/** The faucet: a mocap base at the configuration's position, the lever on a hinge about z above it. */
function faucetWorldbody(): string {
  const leverHalfLength = (LEVER_LENGTH - NECK_LENGTH) / 2;
  return `    <body name="faucet_base" mocap="true" pos="0 0.8 0">
      <geom name="faucet_foot" type="cylinder" class="decor" pos="0 0 0.009" size="0.046 0.009" rgba="${SceneColors.cabinet}"/>
      <geom name="faucet_column" type="cylinder" class="decor" pos="0 0 0.061" size="0.017 0.044" rgba="${SceneColors.cabinet}"/>
      <body name="faucet_head" pos="${vec(0, 0, HANDLE_HEIGHT)}">
        <joint name="faucet_lever" type="hinge" axis="0 0 1" range="-1.57 1.57" damping="2" armature="0.001"/>
        <geom name="faucet_cap" type="cylinder" class="decor" size="0.032 0.02" mass="0.05" rgba="${SceneColors.cabinet}"/>
        <geom name="faucet_neck" type="cylinder" class="decor" euler="1.5708 0 0" pos="${vec(0, -0.05, 0)}" size="0.012 0.021" mass="0.01" rgba="${SceneColors.cabinet}"/>
        <geom name="faucet_lever" type="capsule" class="handle" euler="1.5708 0 0" pos="${vec(0, -(NECK_LENGTH + leverHalfLength), 0)}" size="${vec(LEVER_RADIUS, leverHalfLength)}" mass="0.03" rgba="${SceneColors.object}"/>
        <site name="faucet_tip_open" pos="${vec(-0.015, -LEVER_LENGTH, 0)}" size="0.005"/>
        <site name="faucet_tip_close" pos="${vec(0.015, -LEVER_LENGTH, 0)}" size="0.005"/>
      </body>
    </body>`;
}
