import { SpaceMismatchError } from "../core/errors.js";
import type { MTEnv } from "../core/types.js";
import { Box } from "../spaces/box.js";
import { Discrete } from "../spaces/discrete.js";
import { TaskTransformWrapper } from "./task-transform-wrapper.js";

/**
 * Turns a Discrete task observation into a one-hot Float32Array, taskObs space Box(0, 1, [n]) —
 * the form MT-SAC concatenates to the observation. Task states pass through unchanged. For
 * Discrete(n, start) the value `start + i` sets element i.
 */
export class OneHotTask<EnvObs, Act, TaskState> extends TaskTransformWrapper<EnvObs, number, Float32Array, Act, TaskState, TaskState> {
  private readonly innerTaskSpace: Discrete;

  constructor(env: MTEnv<EnvObs, number, Act, TaskState>) {
    const taskSpace = env.observationSpace.spaces.taskObs;
    if (!(taskSpace instanceof Discrete)) {
      throw new SpaceMismatchError(
        `OneHotTask: expected the wrapped env's taskObs space to be Discrete, got ${taskSpace.toString()}. ` +
          "Wrap a task-indexed env (e.g. NTasksId or MultiEnv), or use the task observation as it is.",
      );
    }
    super(env, new Box(0, 1, { shape: [taskSpace.n] }));
    this.innerTaskSpace = taskSpace;
  }

  /** The number of tasks (length of the one-hot vector). */
  get n(): number {
    return this.innerTaskSpace.n;
  }

  getTaskObs(): Float32Array {
    const index = this.env.getTaskObs();
    const reason = this.innerTaskSpace.explainMismatch(index);
    if (reason !== undefined) {
      throw new SpaceMismatchError(`OneHotTask: the wrapped env returned a task observation outside its own Discrete space: ${reason}.`);
    }
    const oneHot = new Float32Array(this.innerTaskSpace.n);
    oneHot[index - this.innerTaskSpace.start] = 1;
    return oneHot;
  }

  getTaskState(): TaskState {
    return this.env.getTaskState();
  }

  setTaskState(state: TaskState): void {
    this.env.setTaskState(state);
  }

  sampleTaskState(): TaskState {
    return this.env.sampleTaskState();
  }
}
