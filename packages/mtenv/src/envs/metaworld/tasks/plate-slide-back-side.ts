import { PLATE_HALF_SIZE } from "../plate.js";
import type { ManipulationTask } from "../task.js";
import { definePlateSlideTask } from "./plate-slide.js";

/**
 * plate-slide-back-side: slide the plate sideways (+x) out of the net at (−0.25, 0.6), turned to
 * face +x, where it starts (its centre at (−0.15, 0.6)), to a goal at y 0.6, x ∈ [−0.05, 0.15], at
 * the plate's height.
 *
 * The reference's v2 reward (plate-slide-side's): near = long-tail tolerance of ‖TCP − plate‖
 * within 5 cm, margin the distance from the TCP at reset to the reference's obj_init_pos
 * (−0.25, 0.6, 0) less 5 cm — 10 cm beside where its plate actually starts, kept as is; in-place
 * = long-tail tolerance of ‖plate − goal‖ within 5 cm, margin ‖(−0.25, 0.6, 0) − goal‖ less 5 cm;
 * reward = 1.5 · near, or 2 + 7 · in-place while the TCP is at most 3 cm above the table and
 * within 7 cm of the plate; 10 once the plate is within 5 cm of the goal. Success within 7 cm.
 */
export const plateSlideBackSideTask: ManipulationTask = definePlateSlideTask({
  name: "plate-slide-back-side",
  description: "Slide the plate sideways out of the goal net on your left and onto the target spot to its right. Each configuration places the target spot at random.",
  netFacing: "side",
  netPosition: () => [-0.25, 0.6, 0],
  plateStart: [-0.15, 0.6, PLATE_HALF_SIZE[2]],
  referenceObjectStart: [-0.25, 0.6, 0],
  goalLow: [-0.05, 0.6, 0.015],
  goalHigh: [0.15, 0.6, 0.015],
  rewardShape: "bonus",
  pushDirection: [1, 0],
});
