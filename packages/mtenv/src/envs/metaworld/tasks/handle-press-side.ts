import type { ManipulationTask } from "../task.js";
import { handlePressVariant } from "./handle-press.js";

/**
 * handle-press-side: handle-press with the box turned a quarter turn, standing to the robot's left
 * (x −0.35 to −0.25, y 0.65–0.75, z ±1 mm) with its arm pointing to +x and the bar along y; the
 * goal 7.5 cm above the base on the bar's axis. Reward, success, info, hand start and differences
 * as handle-press's (the reference's two reward functions are the same).
 */
export const handlePressSideTask: ManipulationTask = handlePressVariant({
  name: "handle-press-side",
  description: "Push down the handle that sticks out sideways from a box on your left. Each configuration places the handle box at random.",
  facing: "side",
  boxRange: [[-0.35, 0.65, -0.001], [-0.25, 0.75, 0.001]],
});
