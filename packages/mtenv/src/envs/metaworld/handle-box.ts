import type { MujocoSimulation } from "../mujoco/simulation.js";
import { expertTcp, moveTowards } from "./expert-motion.js";
import { objectPosition } from "./observation-layout.js";
import type { Vec3 } from "./reward-shaping.js";
import { ScalarJoint, clearObjectSlot, mocapSlot, observeBodyQuaternion, observeSite, placeMocap } from "./scene-access.js";
import { SceneColors, vec } from "./scene.js";
import type { ExpertPolicy, TaskConfiguration } from "./task.js";
import { add } from "./vector.js";

/**
 * The handle box of handle-press(-side) and handle-pull(-side): a column on the table with an arm
 * sticking out of its front and a horizontal grip bar across the arm's end. Arm and bar slide up
 * and down together on a joint whose position is the height change, −0.1 (down) to 0 (up), with
 * the reference's heavy damping (30 N·s/m) and no spring, so the handle stays where it is left.
 *
 * The column is solid to the finger pads (it is in the "handle" contact class, the one the pads
 * touch), as the reference's is. The reference's column is two walls 6.8 cm apart with the arm
 * sliding between them, a gap its 9 cm finger pads cannot enter; ours is one block of the walls'
 * outer size that the arm passes through (handle geoms never touch each other), so that our
 * 2.4 cm pads cannot reach the arm inside the column either.
 * In the box's frame the grip bar's axis is 0.216 m in front (−y) of the base at height 0.15 +
 * joint; "front" boxes stand as built (the bar across x, facing the robot), "side" boxes are
 * turned a quarter turn about z, so the arm points to +x and the bar runs along y. The three
 * points the reference's tasks observe are sites: the top of the bar's middle (handleStart), a
 * point near its +x end (handleRight) and a point on the arm just behind the bar (handleCenter).
 */
export type HandleBoxFacing = "front" | "side";

/** The grip bar's axis relative to the box base (front facing) with the handle up, and its radius. */
export const BAR_OFFSET = 0.216;
export const BAR_HEIGHT = 0.15;
export const BAR_RADIUS = 0.022;
/** Where the reference's handle-press goal (goalPress) and handle-pull goal (goalPull) sit above the base. */
export const PRESS_GOAL_HEIGHT = 0.075;
export const PULL_GOAL_HEIGHT = 0.172;
/** Joint position with the handle down (where the pull tasks start). */
export const HANDLE_DOWN = -0.1;

/** Which of the three observed points a task reports (the reference's site names). */
export type HandlePoint = "handleStart" | "handleRight" | "handleCenter";
const SITE_NAMES: Record<HandlePoint, string> = { handleStart: "handle_top", handleRight: "handle_right", handleCenter: "handle_arm" };

/** A point given in the front-facing box's frame, as an offset in the world for `facing`. */
export function facingOffset(facing: HandleBoxFacing, local: Vec3): Vec3 {
  // A quarter turn about +z takes (x, y) to (−y, x).
  return facing === "front" ? local : [-local[1], local[0], local[2]];
}

/** The goal above the bar's axis at `height`, for a box at `base`. */
export function handleGoal(facing: HandleBoxFacing, base: Vec3, height: number): Vec3 {
  const offset = facingOffset(facing, [0, -BAR_OFFSET, height]);
  return add(base, offset);
}

export function handleBoxWorldbody(facing: HandleBoxFacing): string {
  const linkY = -0.05;
  const barY = -BAR_OFFSET - linkY;
  return `    <body name="handle_box" mocap="true" pos="0 0.9 0"${facing === "side" ? ' euler="0 0 1.5707963267948966"' : ""}>
      <geom name="handle_column" type="box" class="handle" pos="0 0.006 0.104" size="0.086 0.13 0.155" rgba="${SceneColors.cabinet}"/>
      <geom name="handle_foot" type="box" class="decor" pos="0 -0.082 0.014" size="0.035 0.028 0.014" rgba="${SceneColors.handle}"/>
      <body name="handle_link" pos="${vec(0, linkY, BAR_HEIGHT)}">
        <joint name="handle_slide" type="slide" axis="0 0 1" range="${HANDLE_DOWN} 0" damping="30" armature="0.001"/>
        <geom name="handle_arm" type="box" class="handle" pos="0 -0.081 0" size="0.032 0.075 0.011" mass="0.001" rgba="${SceneColors.handle}"/>
        <geom name="handle_bar" type="capsule" class="handle" euler="0 1.5707963267948966 0" pos="${vec(0, barY, 0)}" size="${vec(BAR_RADIUS, 0.07 - BAR_RADIUS)}" mass="0.001" rgba="${SceneColors.object}"/>
        <site name="handle_top" pos="${vec(0, barY, BAR_RADIUS)}" size="0.005"/>
        <site name="handle_right" pos="${vec(0.05, barY, 0.014)}" size="0.005"/>
        <site name="handle_arm" pos="${vec(0, -0.12, 0)}" size="0.005"/>
      </body>
    </body>`;
}

/** The handle box of one simulation: placed per configuration, observed at one of its points. */
export class HandleBox {
  private readonly baseSlot: number;
  readonly joint: ScalarJoint;
  private readonly observedSite: number;
  private readonly link: number;

  constructor(
    private readonly simulation: MujocoSimulation,
    observed: HandlePoint,
  ) {
    this.baseSlot = mocapSlot(simulation, "handle_box");
    this.joint = new ScalarJoint(simulation, "handle_slide");
    this.observedSite = simulation.id("site", SITE_NAMES[observed]);
    this.link = simulation.id("body", "handle_link");
  }

  /** Puts the box at the configuration's object position with the handle at `jointPosition`. */
  reset(configuration: TaskConfiguration, jointPosition: number): void {
    placeMocap(this.simulation, this.baseSlot, configuration.object);
    this.joint.value = jointPosition;
  }

  /** Object 1 = the observed point and the handle's orientation (w, x, y, z); object 2 unused. */
  observeObjects(out: Float32Array, offset: number): void {
    observeSite(this.simulation, this.observedSite, out, offset);
    observeBodyQuaternion(this.simulation, this.link, out, offset + 3);
    clearObjectSlot(out, offset + 7);
  }
}

/**
 * Scripted press: come over the observed point (the bar's top) from above, then push straight
 * down past the goal, with gripper action `grip` throughout: closed (1) puts both pads together
 * on a bar across x; open (−1) puts them 11 cm apart, both on a bar along y (closed pads slip
 * off its round top sideways).
 */
export function handlePressExpert(grip = 1): ExpertPolicy {
  let over = false;
  return {
    act(observation, action) {
      const top = objectPosition(observation);
      const tcp = expertTcp(observation);
      const horizontalError = Math.hypot(tcp[0] - top[0], tcp[1] - top[1]);
      // Pads' bottoms are FINGER_PAD half-height (2.2 cm) below the TCP: hover 3 cm above the bar.
      const hover: Vec3 = [top[0], top[1], top[2] + 0.055];
      if (!over && horizontalError < 0.008 && Math.abs(tcp[2] - hover[2]) < 0.02) over = true;
      if (over && horizontalError > 0.03) over = false;
      if (!over) {
        const clearance = Math.max(tcp[2], hover[2]);
        moveTowards(observation, horizontalError > 0.01 ? [top[0], top[1], clearance] : hover, grip, action);
        return;
      }
      moveTowards(observation, [top[0], top[1], top[2] - 0.12], grip, action);
    },
  };
}

/**
 * Scripted pull: fingers open, come over the observed point from above, descend until the pads
 * straddle the bar (or arm) `graspBelow` under the point's height, close, then lift straight up.
 */
/** The pull experts' largest upward action (1.5 mm per step). */
const LIFT_SPEED = 0.15;

export function handlePullExpert(lift: number, graspBelow = 0): ExpertPolicy {
  let phase: "approach" | "descend" | "close" | "lift" = "approach";
  let closingSteps = 0;
  let liftTarget = 0;
  return {
    act(observation, action) {
      const observed = objectPosition(observation);
      const point: Vec3 = [observed[0], observed[1], observed[2] - graspBelow];
      const tcp = expertTcp(observation);
      const horizontalError = Math.hypot(tcp[0] - point[0], tcp[1] - point[1]);
      if (phase === "approach" && horizontalError < 0.008 && Math.abs(tcp[2] - (point[2] + 0.08)) < 0.02) phase = "descend";
      if (phase === "descend" && Math.abs(tcp[2] - point[2]) < 0.006) {
        phase = "close";
        closingSteps = 0;
      }
      if (phase === "close" && (closingSteps += 1) > 8) {
        phase = "lift";
        liftTarget = point[2] + lift;
      }
      switch (phase) {
        case "approach":
          moveTowards(observation, [point[0], point[1], Math.max(tcp[2], point[2] + 0.08)], -1, action);
          if (horizontalError < 0.01) moveTowards(observation, [point[0], point[1], point[2] + 0.08], -1, action);
          break;
        case "descend":
          moveTowards(observation, point, -1, action);
          break;
        case "close":
          moveTowards(observation, point, 1, action);
          break;
        case "lift":
          // Slowly: the handle's damping (30 N·s/m) resists in proportion to speed, and a fast lift slips out of the pinch.
          moveTowards(observation, [point[0], point[1], liftTarget], 1, action);
          action[2] = Math.min(action[2]!, LIFT_SPEED);
          break;
      }
    },
  };
}
