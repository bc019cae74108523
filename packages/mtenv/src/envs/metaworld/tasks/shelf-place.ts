import { BLOCK_HALF_SIZE, BlockScene, blockWorldbody, isPinching, pickAndCarryExpert } from "../block-object.js";
import { cagingReward, tcpDistance } from "../gripper-caging.js";
import { Observation, goalPosition, objectPosition, objectToGoalDistance } from "../observation-layout.js";
import { hamacherProduct, longTailTolerance, type Vec3 } from "../reward-shaping.js";
import { mocapSlot, placeMocap } from "../scene-access.js";
import { SceneColors, vec } from "../scene.js";
import { drawUntil, planarDistance, uniformIn, type ManipulationTask } from "../task.js";
import { readPoint, scratchPoint } from "../point-scratch.js";

/** The block's range (the reference's; it rests at z 0.02 whatever z is drawn, as in the reference). */
const BLOCK_LOW: Vec3 = [-0.1, 0.5, 0.019];
const BLOCK_HIGH: Vec3 = [0.1, 0.6, 0.021];
/** The goal's range: a point 0.3 above the shelf's base, on the shelf's centre line. */
const GOAL_LOW: Vec3 = [-0.1, 0.8, 0.299];
const GOAL_HIGH: Vec3 = [0.1, 0.9, 0.301];
const GOAL_ABOVE_SHELF_BASE = 0.3;
/** The reference redraws until block and goal are this far apart in xy. */
const MINIMUM_SEPARATION = 0.1;
/** Success: the block within this distance of the goal. */
const SUCCESS_DISTANCE = 0.07;
/** The reward's in-place bound, and where it jumps to 10. */
const TARGET_RADIUS = 0.05;
/** Top of the board the block goes on, relative to the shelf's base (the reference's board at 0.24, 1 cm thick). */
const BOARD_TOP = 0.25;
/** The front of the board, relative to the shelf's centre (the reference's board spans y −0.11 to 0.08). */
const BOARD_FRONT = -0.11;

/**
 * shelf-place: pick the block up and put it on the shelf's upper board.
 *
 * The block is the block tasks' 4 cm cube; the shelf (our boxes after the reference's collision
 * boxes: two sides, a top, two boards, a back, a plinth) stands on the table 0.3 below the goal,
 * which is 5 cm above the upper board's top at the shelf's centre line. The block's range is the
 * reference's (x ±0.1, y 0.5–0.6), the goal's x ±0.1, y 0.8–0.9, z 0.3 ± 0.001, ≥ 10 cm apart in
 * xy. Only the block collides with the shelf (our fingers pass through fixtures).
 *
 * The reference's v2 reward: grasp = caging reward (object radius 0.02, pads within 0.05, TCP
 * within 1 cm in x–z, no density terms, reading the commanded gripper action); in-place =
 * long-tail tolerance of ‖block − goal‖ within 5 cm, margin its value at reset; reward =
 * Hamacher(grasp, in-place). Then in-place is docked for a block in front of the shelf and below
 * its board (0 < z < 0.24, |x − goal x| < 0.15, goal y − 0.15 < y < goal y: minus Hamacher((y −
 * (goal y − 0.15)) / 0.15, (0.24 − z) / 0.24), clipped to [0, 1]) and zeroed behind the goal at that
 * height; while the TCP is within 2.5 cm of the block, obs[3] > 0 and the block is lifted more than
 * 1 cm, the reward gains 1 + 5 · (docked) in-place; 10 once ‖block − goal‖ < 0.05. Success: ‖block −
 * goal‖ ≤ 0.07. Diagnostics as the block tasks' (near_object: TCP within 3 cm; grasp_success:
 * pinched, open reading > 0, lifted 2 cm), in_place_reward the docked in-place. The hand starts at
 * (0, 0.6, 0.2).
 */
export const shelfPlaceTask: ManipulationTask = {
  name: "shelf-place",
  description: "Pick up the block and put it on the upper board of the shelf behind it. Each configuration places the block and the shelf at random.",
  scene: { name: "shelf-place", worldbody: `${blockWorldbody()}\n${shelfWorldbody()}` },
  successThreshold: SUCCESS_DISTANCE,
  handStart: [0, 0.6, 0.2],
  sampleConfiguration: (rng) =>
    drawUntil(
      () => {
        const block = uniformIn(rng, BLOCK_LOW, BLOCK_HIGH);
        return { object: [block[0], block[1], BLOCK_HALF_SIZE] as Vec3, goal: uniformIn(rng, GOAL_LOW, GOAL_HIGH) };
      },
      (candidate) => planarDistance(candidate.object, candidate.goal) >= MINIMUM_SEPARATION,
    ),
  bind(simulation) {
    const scene = new BlockScene(simulation);
    const shelfSlot = mocapSlot(simulation, "shelf");
    // The block now and at reset, refilled each step (no allocation per step).
    const block = scratchPoint();
    const blockStart = scratchPoint();
    return {
      reset(configuration) {
        scene.reset(configuration);
        const goal = configuration.goal;
        placeMocap(simulation, shelfSlot, [goal[0], goal[1], goal[2] - GOAL_ABOVE_SHELF_BASE]);
      },
      observeObjects: (out, offset) => scene.observeObjects(out, offset),
      evaluate(observation, initial, gripper) {
        readPoint(block, observation, Observation.object1Position);
        readPoint(blockStart, initial, Observation.object1Position);
        const goal = Observation.goal;
        const goalX = observation[goal]!;
        const goalY = observation[goal + 1]!;
        const toGoal = objectToGoalDistance(observation);
        const opening = observation[Observation.gripperOpening]!;
        const tcpToBlock = tcpDistance(gripper, block);
        let inPlace = longTailTolerance(toGoal, TARGET_RADIUS, objectToGoalDistance(initial));
        const grasp = cagingReward(gripper, block, blockStart, CAGING);
        let reward = hamacherProduct(grasp, inPlace);
        const belowBoard = block[2] > 0 && block[2] < 0.24 && Math.abs(block[0] - goalX) < 0.15;
        const approachDepth = 3 * TARGET_RADIUS;
        if (belowBoard && block[1] > goalY - approachDepth && block[1] < goalY) {
          const docking = hamacherProduct((block[1] - (goalY - approachDepth)) / approachDepth, (0.24 - block[2]) / 0.24);
          inPlace = Math.min(Math.max(inPlace - docking, 0), 1);
        }
        if (belowBoard && block[1] > goalY) inPlace = 0;
        if (tcpToBlock < 0.025 && opening > 0 && block[2] - 0.01 > blockStart[2]) reward += 1 + 5 * inPlace;
        return {
          reward: toGoal < TARGET_RADIUS ? 10 : reward,
          success: toGoal <= SUCCESS_DISTANCE,
          nearObject: tcpToBlock <= 0.03 ? 1 : 0,
          graspSuccess: isPinching(gripper, block) && opening > 0 && block[2] - 0.02 > blockStart[2],
          graspReward: grasp,
          inPlaceReward: inPlace,
          objectToTarget: toGoal,
        };
      },
    };
  },
  // Pick the block up, raise it to the goal's height in front of the shelf, then slide it in over the board.
  createExpert: () =>
    pickAndCarryExpert((observation) => {
      const goal = goalPosition(observation);
      const block = objectPosition(observation);
      const inFront = goal[1] + BOARD_FRONT - 0.05;
      if (block[2] < goal[2] - 0.02 && block[1] < inFront + 0.02) return [goal[0], Math.min(block[1], inFront), goal[2] + 0.01];
      return goal;
    }),
};

/** The reference's caging options for the block. */
const CAGING = { objectRadius: 0.02, padThreshold: 0.05, xzThreshold: 0.01 } as const;

/** The shelf: a mocap body at the goal's x, y on the table; boxes after the reference's collision boxes. */
function shelfWorldbody(): string {
  const board = (name: string, pos: Vec3, size: Vec3): string =>
    `<geom name="${name}" type="box" class="fixture" pos="${vec(...pos)}" size="${vec(...size)}" rgba="${SceneColors.cabinet}"/>`;
  return `    <body name="shelf" mocap="true" pos="0 0.85 0">
      ${board("shelf_left", [-0.11, 0, 0.32], [0.01, 0.1, 0.32])}
      ${board("shelf_right", [0.11, 0, 0.32], [0.01, 0.1, 0.32])}
      ${board("shelf_top", [0, 0, 0.65], [0.12, 0.1, 0.01])}
      ${board("shelf_upper_board", [0, -0.015, BOARD_TOP - 0.01], [0.1, 0.095, 0.01])}
      ${board("shelf_lower_board", [0, -0.015, 0.05], [0.1, 0.095, 0.01])}
      ${board("shelf_back", [0, 0.09, 0.32], [0.1, 0.01, 0.32])}
      ${board("shelf_plinth", [0, -0.008, 0.021], [0.1, 0.088, 0.021])}
    </body>`;
}
