import { PLATE_HALF_SIZE } from "../plate.js";
import type { ManipulationTask } from "../task.js";
import { definePlateSlideTask } from "./plate-slide.js";

/**
 * plate-slide-side: push the plate sideways (−x) from (0, 0.6) towards a goal on the table at
 * x ∈ [−0.3, −0.25], y ∈ [0.54, 0.66], where a net turned to face the plate stands at (−0.3, 0.6)
 * whatever the goal (the reference never moves it: it writes the goal into a computed body
 * position that the next step overwrites).
 *
 * The reference's v2 reward: near = long-tail tolerance of ‖TCP − plate‖ within 5 cm, margin the
 * distance from the TCP at reset to the reference's plate start (0, 0.6, 0) less 5 cm; in-place =
 * long-tail tolerance of ‖plate − goal‖ within 5 cm, margin ‖(0, 0.6, 0) − goal‖ less 5 cm;
 * reward = 1.5 · near, or 2 + 7 · in-place while the TCP is at most 3 cm above the table and
 * within 7 cm of the plate; 10 once the plate is within 5 cm of the goal. Success within 7 cm.
 * Goals below y 0.6 lie beyond the plate's y travel (as in the reference), so for them only
 * success, never the 10, is reachable.
 */
export const plateSlideSideTask: ManipulationTask = definePlateSlideTask({
  name: "plate-slide-side",
  description: "Slide the plate sideways across the table into the goal net on your left. Each configuration places the target spot at random.",
  netFacing: "side",
  netPosition: () => [-0.3, 0.6, 0],
  plateStart: [0, 0.6, PLATE_HALF_SIZE[2]],
  referenceObjectStart: [0, 0.6, 0],
  goalLow: [-0.3, 0.54, 0],
  goalHigh: [-0.25, 0.66, 0],
  rewardShape: "bonus",
  pushDirection: [-1, 0],
});
