import { MTEnvBase } from "../../core/mt-env.js";
import type { DescribesTasks } from "../../core/task-set.js";
import { Box } from "../../spaces/box.js";
import type { Space } from "../../spaces/space.js";
import { checkedTaskVector, sampleTaskVector, type TaskVectorInput } from "./task-vector.js";

/**
 * Base of the classic envs whose task is a vector μ ∈ [−1, 1]^n that fixes physical constants
 * (CartPole, Acrobot): the task state is μ as a plain `number[]` of float32 values (JSON-safe),
 * the task observation is the same numbers as a Float32Array, tasks are sampled uniformly, and
 * `physics` is recomputed whenever the task changes. describeTask says what the constants are.
 *
 * setTaskState also accepts μ as a Float32Array (the task-state type of earlier versions).
 */
export abstract class PhysicsTaskEnv<Act, Physics> extends MTEnvBase<Float32Array, Float32Array, Act, number[]> implements DescribesTasks<TaskVectorInput> {
  /** μ, every element a float32 value. */
  private task: number[];
  /** The physical constants of the current task. */
  protected physics: Physics;

  constructor(
    private readonly envName: string,
    private readonly taskSize: number,
    private readonly physicsOf: (mu: readonly number[]) => Physics,
    actionSpace: Space<Act>,
    envObservationSpace: Space<Float32Array>,
  ) {
    super(actionSpace, envObservationSpace, new Box(-1, 1, { shape: [taskSize] }));
    this.task = new Array<number>(taskSize).fill(0);
    this.physics = physicsOf(this.task);
  }

  /** The physical constants of the current task. */
  get parameters(): Readonly<Physics> {
    return this.physics;
  }

  getTaskObs(): Float32Array {
    return Float32Array.from(this.task);
  }

  getTaskState(): number[] {
    return this.task.slice();
  }

  setTaskState(state: TaskVectorInput): void {
    this.task = checkedTaskVector(this.envName, state, this.taskSize, -1, 1);
    this.physics = this.physicsOf(this.task);
  }

  sampleTaskState(): number[] {
    return sampleTaskVector(this.taskRng, this.taskSize, -1, 1);
  }

  /** The physical constants of task μ in words (InvalidTaskStateError for a μ setTaskState rejects). */
  describeTask(state: TaskVectorInput): string {
    return this.describePhysics(this.physicsOf(checkedTaskVector(this.envName, state, this.taskSize, -1, 1)));
  }

  /** One sentence naming every constant that varies, with a fixed number of decimals. */
  protected abstract describePhysics(physics: Readonly<Physics>): string;
}
