import type { ManipulationTask } from "../task.js";
import { wallWorldbody } from "../wall.js";
import { topdownButtonTask } from "./button-press-topdown.js";

/**
 * button-press-topdown-wall: button-press-topdown with a wall between the hand's start and the
 * button, where the reference puts it (centred at (0.1, 0.7, 0.075), 0.2 m wide, 2 cm thick,
 * 0.15 m tall). The reference's v2 reward is button-press-topdown's except for its gripper factor,
 * which is the observed opening itself, max(obs[3], 0), rather than 1 − obs[3] — a quirk of the
 * reference kept as is (it favours an open gripper while near the button).
 */
export const buttonPressTopdownWallTask: ManipulationTask = topdownButtonTask({
  name: "button-press-topdown-wall",
  description: "Press the button down into its box from above, reaching over a wall in front of it. Each configuration places the button box at random.",
  gripperTerm: (opening) => Math.max(opening, 0),
  extraWorldbody: wallWorldbody([0.1, 0.7, 0.075], [0.1, 0.01, 0.075]),
  expertApproachGrip: -1,
});
