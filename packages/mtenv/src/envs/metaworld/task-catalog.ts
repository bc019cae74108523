import { ConfigError, didYouMean } from "../../core/errors.js";
import type { ManipulationTask } from "./task.js";
import { buttonPressTopdownTask } from "./tasks/button-press-topdown.js";
import { buttonPressTopdownWallTask } from "./tasks/button-press-topdown-wall.js";
import { doorCloseTask } from "./tasks/door-close.js";
import { pickPlaceWallTask } from "./tasks/pick-place-wall.js";
import { pushWallTask } from "./tasks/push-wall.js";
import { pushBackTask } from "./tasks/push-back.js";
import { buttonPressTask } from "./tasks/button-press.js";
import { buttonPressWallTask } from "./tasks/button-press-wall.js";
import { reachWallTask } from "./tasks/reach-wall.js";
import { doorOpenTask } from "./tasks/door-open.js";
import { drawerCloseTask } from "./tasks/drawer-close.js";
import { drawerOpenTask } from "./tasks/drawer-open.js";
import { pegInsertSideTask } from "./tasks/peg-insert-side.js";
import { pickPlaceTask } from "./tasks/pick-place.js";
import { pushTask } from "./tasks/push.js";
import { reachTask } from "./tasks/reach.js";
import { windowCloseTask } from "./tasks/window-close.js";
import { windowOpenTask } from "./tasks/window-open.js";

/** The MT10 benchmark's tasks, in the reference's order (task index = position here). */
export const MT10_TASKS: readonly ManipulationTask[] = Object.freeze([
  reachTask,
  pushTask,
  pickPlaceTask,
  doorOpenTask,
  drawerOpenTask,
  drawerCloseTask,
  buttonPressTopdownTask,
  pegInsertSideTask,
  windowOpenTask,
  windowCloseTask,
]);

/** Names of the MT10 tasks, in order. */
export const MT10_TASK_NAMES: readonly string[] = Object.freeze(MT10_TASKS.map((task) => task.name));

/**
 * Every task built so far: the MT10 tasks, then the other MT50 tasks in the order they were added
 * (MT1 accepts any of them; MT50 will list all fifty in the reference's order).
 */
export const METAWORLD_TASKS: readonly ManipulationTask[] = Object.freeze([...MT10_TASKS, doorCloseTask, reachWallTask, pickPlaceWallTask, pushWallTask, buttonPressTopdownWallTask, pushBackTask, buttonPressTask, buttonPressWallTask]);

/** Names of every task built so far. */
export const METAWORLD_TASK_NAMES: readonly string[] = Object.freeze(METAWORLD_TASKS.map((task) => task.name));

/** The task called `name`; a ConfigError listing the valid names (with "did you mean") otherwise. */
export function taskByName(name: string): ManipulationTask {
  const task = METAWORLD_TASKS.find((candidate) => candidate.name === name);
  if (task === undefined) {
    throw new ConfigError(
      `Unknown Meta-World task "${name}".${didYouMean(name, METAWORLD_TASK_NAMES)} Valid tasks: ${METAWORLD_TASK_NAMES.join(", ")}.`,
    );
  }
  return task;
}
