import type { MujocoSimulation } from "../mujoco/simulation.js";
import type { Vec3 } from "./reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, placeMocap } from "./scene-access.js";
import { SceneColors, vec } from "./scene.js";

/**
 * soccer's ball and goal: a 2.6 cm-radius ball (the reference's) that rolls on the table, and a
 * goal whose mouth faces the robot (−y): two side walls and a back wall that stop the ball (they
 * touch free objects, not the finger pads, as the table does), with a crossbar as scenery.
 *
 * The ball has rolling and spinning friction (condim 6) so that a kicked ball slows down within
 * some tens of centimetres rather than rolling on until it hits something; the reference's ball
 * has none (its Python policy pushes it slowly).
 */
export const BALL_RADIUS = 0.026;
/** Goal walls relative to the goal position (the reference's net spans about the same box). */
const GOAL_HALF_WIDTH = 0.096;
const GOAL_MOUTH_Y = -0.08;
const GOAL_BACK_Y = 0.035;
const GOAL_HEIGHT = 0.2;
const WALL_HALF_THICKNESS = 0.006;

export function soccerWorldbody(): string {
  const sideLength = (GOAL_BACK_Y - GOAL_MOUTH_Y) / 2;
  const sideCentreY = (GOAL_BACK_Y + GOAL_MOUTH_Y) / 2;
  const h = GOAL_HEIGHT / 2;
  const wall = (name: string, pos: Vec3, size: Vec3): string => `<geom name="${name}" type="box" class="fixture" pos="${vec(...pos)}" size="${vec(...size)}" rgba="0.85 0.85 0.9 0.8"/>`;
  return `    <body name="ball" pos="0 0.6 ${BALL_RADIUS}">
      <freejoint name="ball"/>
      <geom name="ball" type="sphere" class="freeObject" condim="6" friction="1 0.005 0.005" size="${BALL_RADIUS}" mass="0.04" rgba="0.95 0.95 0.95 1"/>
    </body>
    <body name="soccer_goal" mocap="true" pos="0 0.9 0">
      ${wall("goal_side_left", [-GOAL_HALF_WIDTH, sideCentreY, h], [WALL_HALF_THICKNESS, sideLength, h])}
      ${wall("goal_side_right", [GOAL_HALF_WIDTH, sideCentreY, h], [WALL_HALF_THICKNESS, sideLength, h])}
      ${wall("goal_back", [0, GOAL_BACK_Y, h], [GOAL_HALF_WIDTH + WALL_HALF_THICKNESS, WALL_HALF_THICKNESS, h])}
      <geom name="goal_crossbar" type="capsule" class="decor" fromto="${vec(-GOAL_HALF_WIDTH, GOAL_MOUTH_Y, GOAL_HEIGHT, GOAL_HALF_WIDTH, GOAL_MOUTH_Y, GOAL_HEIGHT)}" size="0.006" rgba="${SceneColors.accent}"/>
      <geom name="goal_spot" type="cylinder" class="decor" size="0.02 0.001" rgba="${SceneColors.goal}"/>
    </body>`;
}

/** The ball and goal of one simulation. */
export class SoccerScene {
  private readonly ball: FreeJoint;
  private readonly goalSlot: number;
  constructor(private readonly simulation: MujocoSimulation) {
    this.ball = new FreeJoint(simulation, "ball");
    this.goalSlot = mocapSlot(simulation, "soccer_goal");
  }
  /** The ball resting on the table at `ball`'s xy; the goal at `goal`. */
  reset(ball: Vec3, goal: Vec3): void {
    this.ball.place([ball[0], ball[1], BALL_RADIUS]);
    placeMocap(this.simulation, this.goalSlot, goal);
  }
  /** Object 1 = the ball's centre and orientation (w, x, y, z); object 2 unused. */
  observeObjects(out: Float32Array, offset: number): void {
    this.ball.observe(out, offset);
    clearObjectSlot(out, offset + 7);
  }
}
