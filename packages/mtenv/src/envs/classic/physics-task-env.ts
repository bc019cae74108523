import { MTEnvBase } from "../../core/mt-env.js";
import type { DescribesTasks } from "../../core/task-set.js";
import { Box } from "../../spaces/box.js";
import type { Space } from "../../spaces/space.js";
import { checkedTaskVector, sampleTaskVector } from "./task-vector.js";

/**
 * Base of the classic envs whose task is a vector μ ∈ [−1, 1]^n that fixes physical constants
 * (CartPole, Acrobot): the task state and the task observation are μ itself, sampled uniformly,
 * and `physics` is recomputed whenever the task changes. describeTask says what the constants are.
 */
export abstract class PhysicsTaskEnv<Act, Physics> extends MTEnvBase<Float32Array, Float32Array, Act, Float32Array> implements DescribesTasks<Float32Array> {
  private task: Float32Array;
  /** The physical constants of the current task. */
  protected physics: Physics;

  constructor(
    private readonly envName: string,
    private readonly taskSize: number,
    private readonly physicsOf: (mu: Float32Array) => Physics,
    actionSpace: Space<Act>,
    envObservationSpace: Space<Float32Array>,
  ) {
    super(actionSpace, envObservationSpace, new Box(-1, 1, { shape: [taskSize] }));
    this.task = new Float32Array(taskSize);
    this.physics = physicsOf(this.task);
  }

  /** The physical constants of the current task. */
  get parameters(): Readonly<Physics> {
    return this.physics;
  }

  getTaskObs(): Float32Array {
    return this.task.slice();
  }

  getTaskState(): Float32Array {
    return this.task.slice();
  }

  setTaskState(state: Float32Array): void {
    this.task = checkedTaskVector(this.envName, state, this.taskSize, -1, 1);
    this.physics = this.physicsOf(this.task);
  }

  sampleTaskState(): Float32Array {
    return sampleTaskVector(this.taskRng, this.taskSize, -1, 1);
  }

  /** The physical constants of task μ in words (InvalidTaskStateError for a μ setTaskState rejects). */
  describeTask(state: Float32Array): string {
    return this.describePhysics(this.physicsOf(checkedTaskVector(this.envName, state, this.taskSize, -1, 1)));
  }

  /** One sentence naming every constant that varies, with a fixed number of decimals. */
  protected abstract describePhysics(physics: Readonly<Physics>): string;
}
