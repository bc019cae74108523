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
import { stickPullTask } from "./tasks/stick-pull.js";
import { assemblyTask } from "./tasks/assembly.js";
import { disassembleTask } from "./tasks/disassemble.js";
import { handInsertTask } from "./tasks/hand-insert.js";
import { pegUnplugSideTask } from "./tasks/peg-unplug-side.js";
import { hammerTask } from "./tasks/hammer.js";
import { soccerTask } from "./tasks/soccer.js";
import { sweepIntoTask } from "./tasks/sweep-into.js";
import { stickPushTask } from "./tasks/stick-push.js";
import { sweepTask } from "./tasks/sweep.js";
import { plateSlideBackSideTask } from "./tasks/plate-slide-back-side.js";
import { plateSlideBackTask } from "./tasks/plate-slide-back.js";
import { plateSlideSideTask } from "./tasks/plate-slide-side.js";
import { binPickingTask } from "./tasks/bin-picking.js";
import { plateSlideTask } from "./tasks/plate-slide.js";
import { pickOutOfHoleTask } from "./tasks/pick-out-of-hole.js";
import { dialTurnTask } from "./tasks/dial-turn.js";
import { faucetOpenTask } from "./tasks/faucet-open.js";
import { faucetCloseTask } from "./tasks/faucet-close.js";
import { doorLockTask } from "./tasks/door-lock.js";
import { doorUnlockTask } from "./tasks/door-unlock.js";
import { boxCloseTask } from "./tasks/box-close.js";
import { shelfPlaceTask } from "./tasks/shelf-place.js";
import { basketballTask } from "./tasks/basketball.js";
import { coffeeButtonTask } from "./tasks/coffee-button.js";
import { coffeePullTask } from "./tasks/coffee-pull.js";
import { coffeePushTask } from "./tasks/coffee-push.js";
import { handlePressTask } from "./tasks/handle-press.js";
import { handlePressSideTask } from "./tasks/handle-press-side.js";
import { handlePullTask } from "./tasks/handle-pull.js";
import { handlePullSideTask } from "./tasks/handle-pull-side.js";
import { leverPullTask } from "./tasks/lever-pull.js";

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

/** The MT50 benchmark's task names, in the reference's order (MT50's task index = position here). */
export const MT50_TASK_NAMES: readonly string[] = Object.freeze([
  "assembly", "basketball", "bin-picking", "box-close", "button-press-topdown", "button-press-topdown-wall",
  "button-press", "button-press-wall", "coffee-button", "coffee-pull", "coffee-push", "dial-turn",
  "disassemble", "door-close", "door-lock", "door-open", "door-unlock", "hand-insert", "drawer-close",
  "drawer-open", "faucet-open", "faucet-close", "hammer", "handle-press-side", "handle-press",
  "handle-pull-side", "handle-pull", "lever-pull", "pick-place-wall", "pick-out-of-hole", "pick-place",
  "plate-slide", "plate-slide-side", "plate-slide-back", "plate-slide-back-side", "peg-insert-side",
  "peg-unplug-side", "soccer", "stick-push", "stick-pull", "push", "push-wall", "push-back", "reach",
  "reach-wall", "shelf-place", "sweep-into", "sweep", "window-open", "window-close",
]);

/** The tasks beyond MT10, one per line (any order: METAWORLD_TASKS sorts them into MT50's). */
const OTHER_MT50_TASKS: readonly ManipulationTask[] = [
  doorCloseTask,
  reachWallTask,
  pickPlaceWallTask,
  pushWallTask,
  buttonPressTopdownWallTask,
  pushBackTask,
  buttonPressTask,
  buttonPressWallTask,
  dialTurnTask,
  faucetOpenTask,
  faucetCloseTask,
  doorLockTask,
  doorUnlockTask,
  boxCloseTask,
  shelfPlaceTask,
  basketballTask,
  pickOutOfHoleTask,
  coffeeButtonTask,
  coffeePullTask,
  coffeePushTask,
  handlePressTask,
  handlePressSideTask,
  handlePullTask,
  handlePullSideTask,
  leverPullTask,
  plateSlideTask,
  binPickingTask,
  plateSlideSideTask,
  plateSlideBackTask,
  plateSlideBackSideTask,
  sweepTask,
  stickPushTask,
  sweepIntoTask,
  soccerTask,
  hammerTask,
  pegUnplugSideTask,
  handInsertTask,
  disassembleTask,
  assemblyTask,
  stickPullTask,
];

/** Every task built so far, in MT50's order (MT1 accepts any of them). */
export const METAWORLD_TASKS: readonly ManipulationTask[] = Object.freeze(
  [...MT10_TASKS, ...OTHER_MT50_TASKS].sort((a, b) => MT50_TASK_NAMES.indexOf(a.name) - MT50_TASK_NAMES.indexOf(b.name)),
);

/**
 * The fifty MT50 tasks in the reference's order; a ConfigError naming the first task that is not
 * built (kept as a function so that the catalog loads while a task is being added).
 */
export function mt50Tasks(): readonly ManipulationTask[] {
  return MT50_TASK_NAMES.map(taskByName);
}

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
