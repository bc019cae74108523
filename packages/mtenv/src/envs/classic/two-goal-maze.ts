import { z } from "zod";
import { ConfigError, InvalidTaskStateError, describeValue } from "../../core/errors.js";
import { MTEnvBase } from "../../core/mt-env.js";
import type { DescribesTasks, HasTaskSet } from "../../core/task-set.js";
import type { Rng } from "../../core/rng.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import { parseEnvOptions } from "./env-options.js";

/**
 * Geometry (top-down, x to the right, z down the page, units as MiniWorld's metres):
 *
 *            north alcove  x ∈ [−X, X], z ∈ [−Z−1, −Z]
 *          +---------------------------+
 *   west   |                           |  east
 *  alcove  |   main room               |  alcove
 *  (hint   |   x ∈ [−X, X], z ∈ [−Z, Z] |  x ∈ [X, X+1]
 *   wall)  |   blue box, red box, agent|
 *          +---------------------------+
 *            south alcove  z ∈ [Z, Z+1]
 *
 * X = sizeX, Z = sizeZ. The four alcoves are 1 m deep and open onto the main room along the
 * whole side (the reference's connect_rooms spans the full wall), so the floor is a plus shape
 * whose four outer corners are solid. The west alcove's wall carries the hint: its texture is
 * one of two, chosen by the task. The agent is a disc of radius 0.4 that a wall blocks: a move
 * that would overlap a wall is cancelled, as MiniWorld does.
 */
export const MAZE_AGENT_RADIUS = 0.4;
/** Metres per forward step (the reference's move_agent(0.51)). */
export const MAZE_FORWARD_STEP = 0.51;
/** Reaching within this distance of a box ends the episode (the reference's < 2). */
export const MAZE_REACH_DISTANCE = 2;
/** Boxes are kept this far from the main room's walls and from each other when placed. */
const BOX_WALL_MARGIN = 0.5;
const BOX_SEPARATION = 1;

/** Actions, as MiniWorld numbers them. */
export const MazeAction = { TurnLeft: 0, TurnRight: 1, MoveForward: 2 } as const;

/**
 * Unit direction (dx, dz) for each of the 8 headings, heading h meaning MiniWorld's angle
 * h·45° − 180° with direction (cos, −sin). Spelled out so positions stay exact multiples of
 * √½ instead of collecting sin(π) ≈ 1e−16 noise. h = 0 faces west, towards the hint wall.
 */
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [-1, 0],
  [-Math.SQRT1_2, Math.SQRT1_2],
  [0, 1],
  [Math.SQRT1_2, Math.SQRT1_2],
  [1, 0],
  [Math.SQRT1_2, -Math.SQRT1_2],
  [0, -1],
  [-Math.SQRT1_2, -Math.SQRT1_2],
];
const FACING_HINT_WALL = 0;

/** Which box is the goal. */
export const MazeGoal = { Blue: 0, Red: 1 } as const;
export type MazeGoal = (typeof MazeGoal)[keyof typeof MazeGoal];

const point = z.tuple([z.number(), z.number()]);
const mazeLayoutSchema = z.strictObject({ agent: point, heading: z.number().int().min(0).max(7), blueBox: point, redBox: point });

export const twoGoalMazeOptionsSchema = z.strictObject({
  /** Half-width of the main room in x (metres). */
  sizeX: z.number().min(2).max(20).default(3),
  /** Half-depth of the main room in z (metres). */
  sizeZ: z.number().min(2).max(20).default(3),
  /**
   * "goal": taskObs is the goal (Discrete(2)), as in the reference. "hidden": taskObs is always
   * 0 (Discrete(1)), so the agent must find and read the hint wall.
   */
  taskObservation: z.enum(["goal", "hidden"]).default("goal"),
});
export type TwoGoalMazeOptions = z.input<typeof twoGoalMazeOptionsSchema>;

/**
 * Whether a disc of `radius` centred at (x, z) fits on the plus-shaped floor: inside the outer
 * bounds, and clear of the solid square at each outer corner.
 */
export function isWalkable(x: number, z: number, sizeX: number, sizeZ: number, radius: number): boolean {
  const ax = Math.abs(x);
  const az = Math.abs(z);
  if (ax > sizeX + 1 - radius || az > sizeZ + 1 - radius) return false;
  // Distance to the nearest corner square [sizeX, sizeX+1] × [sizeZ, sizeZ+1] (0 inside it).
  return Math.hypot(Math.max(0, sizeX - ax), Math.max(0, sizeZ - az)) >= radius;
}

/** `state` if it is a MazeGoal; InvalidTaskStateError otherwise. */
function checkedGoal(state: unknown): MazeGoal {
  if (state !== MazeGoal.Blue && state !== MazeGoal.Red) {
    throw new InvalidTaskStateError(`TwoGoalMaze: expected the task state 0 (blue box is the goal) or 1 (red box), got ${describeValue(state)}.`);
  }
  return state;
}

/**
 * A 2-D, top-down, continuous version of the reference's MiniWorld TwoGoalMaze: a blue and a
 * red box in the main room, one of them the goal; a hint wall in the west alcove tells which.
 *
 * - task: the goal, MazeGoal.Blue (0) or MazeGoal.Red (1)
 * - action: Discrete(3): turn left 45°, turn right 45°, move forward 0.51 m
 * - envObs: [x/(sizeX+1), z/(sizeZ+1), heading, hint]; heading = atan2(dx, dz) of the facing
 *   direction, in [−π, π]; hint = +1 (red is the goal) or −1 (blue) while facing the hint wall
 *   (west), else 0. The reference scaled positions as x/size·2.1 − 1, which leaves [−1, 1];
 *   dividing by the floor's half-extent keeps them inside it.
 * - reward +1 and terminated when within 2 m of the goal box, −1 and terminated when within
 *   2 m of the other box (which wins when both are near, as in the reference)
 * - reset (env stream): boxes uniformly in the main room, at least 1 m apart and 0.5 m from its
 *   walls; the agent uniformly in the main room at least 2 m from both boxes, facing one of the
 *   8 headings. The registry truncates episodes at 200 steps (MiniWorld's limit). Reset option
 *   `layout` (the shape of the `layout` getter) places everything by hand instead.
 *
 * The reference also took task_seed and n_tasks kwargs but never used them (its task is one
 * random bit); they are left out rather than accepted and ignored.
 */
export class TwoGoalMaze extends MTEnvBase<Float32Array, number, number, number> implements HasTaskSet<number>, DescribesTasks<number> {
  readonly sizeX: number;
  readonly sizeZ: number;
  readonly taskObservation: "goal" | "hidden";
  private goal: MazeGoal = MazeGoal.Blue;
  private x = 0;
  private z = 0;
  private heading = 0;
  /** Box centres: [blue, red], each [x, z]. */
  private readonly boxes: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ];

  constructor(options: TwoGoalMazeOptions = {}) {
    const parsed = parseEnvOptions("TwoGoalMaze", twoGoalMazeOptionsSchema, options);
    super(
      new Discrete(3),
      new Box([-1, -1, -Math.PI, -1], [1, 1, Math.PI, 1]),
      new Discrete(parsed.taskObservation === "goal" ? 2 : 1),
    );
    this.sizeX = parsed.sizeX;
    this.sizeZ = parsed.sizeZ;
    this.taskObservation = parsed.taskObservation;
  }

  /**
   * Where the agent and the boxes are, for tests and for drawing; heading is the index 0..7
   * (h·45° − 180° in MiniWorld's convention, 0 faces west). Reset option `layout` takes the same.
   */
  get layout(): { agent: [number, number]; heading: number; blueBox: [number, number]; redBox: [number, number] } {
    return { agent: [this.x, this.z], heading: this.heading, blueBox: [...this.boxes[0]], redBox: [...this.boxes[1]] };
  }

  getTaskObs(): number {
    return this.taskObservation === "goal" ? this.goal : 0;
  }

  getTaskState(): number {
    return this.goal;
  }

  setTaskState(state: number): void {
    this.goal = checkedGoal(state);
  }

  /**
   * Which box to reach, in a room of this size. With taskObservation "hidden" the sentence does
   * not name the goal (both tasks read the same): the agent is meant to find it from the hint
   * wall, and a description fed to a task encoder would give it away.
   */
  describeTask(state: number): string {
    const goal = checkedGoal(state);
    const room = `a ${(2 * this.sizeX).toFixed(2)} m by ${(2 * this.sizeZ).toFixed(2)} m room`;
    if (this.taskObservation === "hidden") {
      return `Reach the goal box, blue or red, and avoid the other one in ${room}; the pattern on the west alcove's wall tells which box is the goal.`;
    }
    const [target, other] = goal === MazeGoal.Blue ? ["blue", "red"] : ["red", "blue"];
    return `Reach the ${target} box and avoid the ${other} box in ${room}; the pattern on the west alcove's wall also tells which box is the goal.`;
  }

  sampleTaskState(): number {
    return this.taskRng.integers(0, 2);
  }

  /** Both goals, blue then red. */
  listTaskStates(): number[] {
    return [MazeGoal.Blue, MazeGoal.Red];
  }

  protected resetEnv(rng: Rng, options: Record<string, unknown>): [Float32Array, Info] {
    this.placeRandomly(rng);
    // Drawn first, then overridden, so the env stream advances the same way either way.
    if (options["layout"] !== undefined) this.placeAsGiven(options["layout"]);
    return [this.observation(), {}];
  }

  private placeRandomly(rng: Rng): void {
    const inRoom = (size: number, margin: number): number => rng.uniform(-size + margin, size - margin);
    for (;;) {
      const blue: [number, number] = [inRoom(this.sizeX, BOX_WALL_MARGIN), inRoom(this.sizeZ, BOX_WALL_MARGIN)];
      const red: [number, number] = [inRoom(this.sizeX, BOX_WALL_MARGIN), inRoom(this.sizeZ, BOX_WALL_MARGIN)];
      if (Math.hypot(blue[0] - red[0], blue[1] - red[1]) < BOX_SEPARATION) continue;
      this.boxes[0] = blue;
      this.boxes[1] = red;
      this.heading = rng.integers(0, DIRECTIONS.length);
      // Usually most of the room is free; when the boxes leave no spot 2 m from both (small
      // rooms), 100 misses redraw the boxes instead of looping forever.
      for (let attempt = 0; attempt < 100; attempt++) {
        this.x = inRoom(this.sizeX, MAZE_AGENT_RADIUS);
        this.z = inRoom(this.sizeZ, MAZE_AGENT_RADIUS);
        if (this.distanceTo(0) >= MAZE_REACH_DISTANCE && this.distanceTo(1) >= MAZE_REACH_DISTANCE) return;
      }
    }
  }

  /** Applies reset option `layout` (the shape of the `layout` getter), for tests and replays. */
  private placeAsGiven(layout: unknown): void {
    const parsed = mazeLayoutSchema.safeParse(layout);
    const expected = `{agent: [x, z], heading: 0..7, blueBox: [x, z], redBox: [x, z]} with the agent on the floor (main room ±${this.sizeX} × ±${this.sizeZ} plus 1 m alcoves, 0.4 m from walls)`;
    if (!parsed.success || !isWalkable(parsed.data.agent[0], parsed.data.agent[1], this.sizeX, this.sizeZ, MAZE_AGENT_RADIUS)) {
      throw new ConfigError(`TwoGoalMaze: reset option layout must be ${expected}, got ${describeValue(layout)}. Omit it for a random layout.`);
    }
    const { agent, heading, blueBox, redBox } = parsed.data;
    [this.x, this.z] = agent;
    this.heading = heading;
    this.boxes[0] = [...blueBox];
    this.boxes[1] = [...redBox];
  }

  protected stepEnv(action: number): [Float32Array, number, boolean, boolean, Info] {
    if (action === MazeAction.TurnLeft) this.heading = (this.heading + 1) % DIRECTIONS.length;
    else if (action === MazeAction.TurnRight) this.heading = (this.heading + DIRECTIONS.length - 1) % DIRECTIONS.length;
    else {
      const [dx, dz] = DIRECTIONS[this.heading]!;
      const nextX = this.x + MAZE_FORWARD_STEP * dx;
      const nextZ = this.z + MAZE_FORWARD_STEP * dz;
      if (isWalkable(nextX, nextZ, this.sizeX, this.sizeZ, MAZE_AGENT_RADIUS)) {
        this.x = nextX;
        this.z = nextZ;
      }
    }
    let reward = 0;
    if (this.distanceTo(this.goal) < MAZE_REACH_DISTANCE) reward = 1;
    if (this.distanceTo(1 - this.goal) < MAZE_REACH_DISTANCE) reward = -1;
    return [this.observation(), reward, reward !== 0, false, {}];
  }

  private distanceTo(box: number): number {
    const [bx, bz] = this.boxes[box as 0 | 1];
    return Math.hypot(bx - this.x, bz - this.z);
  }

  private observation(): Float32Array {
    const [dx, dz] = DIRECTIONS[this.heading]!;
    const hint = this.heading === FACING_HINT_WALL ? (this.goal === MazeGoal.Red ? 1 : -1) : 0;
    return Float32Array.of(this.x / (this.sizeX + 1), this.z / (this.sizeZ + 1), Math.atan2(dx, dz), hint);
  }
}
