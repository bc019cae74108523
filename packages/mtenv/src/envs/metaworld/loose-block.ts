import type { MujocoSimulation } from "../mujoco/simulation.js";
import { expertTcp, moveTowards } from "./expert-motion.js";
import { GripApproach } from "./grip-approach.js";
import { objectPosition } from "./observation-layout.js";
import type { Vec3 } from "./reward-shaping.js";
import { FreeJoint, clearObjectSlot, mocapSlot, placeMocap } from "./scene-access.js";
import type { ExpertPolicy } from "./task.js";

/**
 * The block of sweep, sweep-into and hand-insert: the shared 4 cm block (blockWorldbody) placed at
 * rest where a configuration says, observed at its centre or — for sweep, whose reference reports
 * the body origin at the block's bottom face — `observedBelowCentre` lower; plus the scripted
 * grab-and-carry those tasks share.
 */
export class LooseBlockScene {
  private readonly block: FreeJoint;
  private readonly goalSlot: number;

  constructor(
    private readonly simulation: MujocoSimulation,
    private readonly observedBelowCentre: number,
  ) {
    this.block = new FreeJoint(simulation, "block");
    this.goalSlot = mocapSlot(simulation, "goal_marker");
  }

  /** Puts the block's centre at `centre` (upright, at rest) and the goal marker at `goal`. */
  reset(centre: Vec3, goal: Vec3): void {
    this.block.place(centre);
    placeMocap(this.simulation, this.goalSlot, goal);
  }

  /** Object 1 = the observed point and the block's orientation (w, x, y, z); object 2 unused. */
  observeObjects(out: Float32Array, offset: number): void {
    this.block.observe(out, offset);
    out[offset + 2] = out[offset + 2]! - this.observedBelowCentre;
    clearObjectSlot(out, offset + 7);
  }
}

/** What a block-carrying expert does once it holds the block. */
export interface CarryPlan {
  /** The observed point sits this far below the block's centre (0 or 0.02). */
  readonly observedBelowCentre: number;
  /** Where to take the TCP (holding the block at it), given the block's centre and the goal. */
  carryTarget(centre: Vec3, goal: Vec3): Vec3;
  /** Whether to open the fingers now (e.g. above a hole); the default is never. */
  release?(centre: Vec3, goal: Vec3, tcp: Vec3): boolean;
}

/**
 * Hover above the block with the fingers open, descend round it, close for 10 steps, then follow
 * the plan's carry target; opens when the plan says so. Starts over if the block leaves the grasp
 * before the plan released it.
 */
export function grabAndCarryExpert(plan: CarryPlan): ExpertPolicy {
  const approach = new GripApproach({ closeWithin: 0.008, closingSteps: 10 });
  let released = false;
  return {
    act(observation, action) {
      const tcp = expertTcp(observation);
      const observed = objectPosition(observation);
      const centre: Vec3 = [observed[0], observed[1], observed[2] + plan.observedBelowCentre];
      if (!approach.advance(observation, tcp, centre, action, { watchForSlip: !released })) return;
      const goal: Vec3 = [observation[36]!, observation[37]!, observation[38]!];
      released ||= plan.release?.(centre, goal, tcp) ?? false;
      moveTowards(observation, released ? [tcp[0], tcp[1], tcp[2] + 0.05] : plan.carryTarget(centre, goal), released ? -1 : 1, action);
    },
  };
}
