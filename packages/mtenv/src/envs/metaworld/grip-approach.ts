import { moveTowards } from "./expert-motion.js";
import type { Vec3 } from "./reward-shaping.js";

/** The experts hover this far above the grip point before coming down on it. */
const HOVER_HEIGHT = 0.08;
/** Over the grip point: within this horizontally, and this near the hover point's height, to start descending. */
const OVER_GRIP = 0.01;
const AT_HOVER_HEIGHT = 0.03;
/** Drifting this far sideways while descending means the object moved: hover again. */
const DESCENT_DRIFT = 0.03;
/** A held object whose grip point is this far from the TCP has slipped out of the fingers. */
const SLIP_DISTANCE = 0.04;

/** How one expert takes its object. */
export interface GripApproachOptions {
  /** How close (m) in height the TCP comes to the grip point before the fingers close. */
  readonly closeWithin: number;
  /** Steps the fingers close for, with the TCP held at the grip point, before the hold starts. */
  readonly closingSteps: number;
}

/** What may change from step to step. */
export interface GripStepOptions {
  /** Where to hover before the descent; by default HOVER_HEIGHT straight above the grip point. */
  readonly hover?: Vec3;
  /** Off while the task lets go on purpose: the hold then stays whatever the distance. On by default. */
  readonly watchForSlip?: boolean;
}

type GripStage = "approach" | "descend" | "close" | "hold";

/**
 * The opening that the grasping experts share: hover HOVER_HEIGHT over the grip point with the
 * fingers open, come straight down onto it, close for a few steps, then hand over to the task's
 * own motion. Starts over when the object moves away during the descent or slips out of the hold,
 * so the expert recovers from a failed grasp instead of carrying nothing.
 */
export class GripApproach {
  private stage: GripStage = "approach";
  private closedFor = 0;

  constructor(private readonly options: GripApproachOptions) {}

  /**
   * Advances the approach for this step with the TCP at `tcp` and the grip point at `grip`. Until
   * the object is held it writes the approach, descent or closing action into `action` and
   * returns false; once held it returns true and the task writes the action.
   */
  advance(observation: Float32Array, tcp: Vec3, grip: Vec3, action: Float32Array, step: GripStepOptions = {}): boolean {
    const hover = step.hover ?? [grip[0], grip[1], grip[2] + HOVER_HEIGHT];
    const watchForSlip = step.watchForSlip ?? true;
    const horizontalError = Math.hypot(tcp[0] - grip[0], tcp[1] - grip[1]);
    if (this.stage === "hold" && watchForSlip && Math.hypot(horizontalError, tcp[2] - grip[2]) > SLIP_DISTANCE) this.stage = "approach";
    if (this.stage === "approach" && horizontalError < OVER_GRIP && Math.abs(tcp[2] - hover[2]) < AT_HOVER_HEIGHT) this.stage = "descend";
    if (this.stage === "descend" && horizontalError > DESCENT_DRIFT) this.stage = "approach";
    if (this.stage === "descend" && Math.abs(tcp[2] - grip[2]) < this.options.closeWithin) {
      this.stage = "close";
      this.closedFor = 0;
    }
    if (this.stage === "close" && (this.closedFor += 1) > this.options.closingSteps) this.stage = "hold";
    switch (this.stage) {
      case "approach":
        moveTowards(observation, hover, -1, action);
        return false;
      case "descend":
        moveTowards(observation, grip, -1, action);
        return false;
      case "close":
        moveTowards(observation, grip, 1, action);
        return false;
      case "hold":
        return true;
    }
  }
}
