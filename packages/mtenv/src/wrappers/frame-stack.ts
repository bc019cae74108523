import { ConfigError, SpaceMismatchError, describeValue } from "../core/errors.js";
import type { Info, MTEnv, MTObs, MTObservationSpace, ResetOptions, StepResult } from "../core/types.js";
import { Box } from "../spaces/box.js";
import { DictSpace } from "../spaces/dict.js";
import { MultiTaskWrapper } from "./multi-task-wrapper.js";

/**
 * Stacks the last `k` world observations along a new leading axis: a Box envObs of shape S
 * becomes shape [k, ...S], oldest frame first, newest last (pixel envs use k = 3, as HiP-BMDP).
 * After reset every slot holds the first observation. The task observation is not stacked.
 *
 * Each returned observation is a fresh array, so keeping one (e.g. in a replay buffer) is safe.
 */
export class FrameStack<TaskObs, Act, TaskState> extends MultiTaskWrapper<Float32Array, TaskObs, Act, TaskState> {
  private readonly stackedSpace: MTObservationSpace<Float32Array, TaskObs>;
  private readonly frameSize: number;
  /** k frames back to back, oldest first. */
  private readonly frames: Float32Array;

  constructor(
    env: MTEnv<Float32Array, TaskObs, Act, TaskState>,
    readonly k: number,
  ) {
    super(env);
    if (!Number.isInteger(k) || k <= 0) {
      throw new ConfigError(`FrameStack: the number of frames k must be a positive integer, got k=${describeValue(k)}. Pixel envs use k=3.`);
    }
    const frameSpace = env.observationSpace.spaces.envObs;
    if (!(frameSpace instanceof Box)) {
      throw new SpaceMismatchError(`FrameStack: expected a Box envObs space, got ${frameSpace.toString()}. Only array observations can be stacked.`);
    }
    this.frameSize = frameSpace.size;
    this.frames = new Float32Array(k * this.frameSize);
    const low = new Float32Array(k * this.frameSize);
    const high = new Float32Array(k * this.frameSize);
    for (let frame = 0; frame < k; frame++) {
      low.set(frameSpace.low, frame * this.frameSize);
      high.set(frameSpace.high, frame * this.frameSize);
    }
    this.stackedSpace = new DictSpace({
      envObs: new Box(low, high, { shape: [k, ...frameSpace.shape] }),
      taskObs: env.observationSpace.spaces.taskObs,
    });
  }

  override get observationSpace(): MTObservationSpace<Float32Array, TaskObs> {
    return this.stackedSpace;
  }

  override reset(options?: ResetOptions): [MTObs<Float32Array, TaskObs>, Info] {
    const [observation, info] = this.env.reset(options);
    this.checkFrame(observation.envObs);
    for (let frame = 0; frame < this.k; frame++) this.frames.set(observation.envObs, frame * this.frameSize);
    return [{ envObs: this.frames.slice(), taskObs: observation.taskObs }, info];
  }

  override step(action: Act): StepResult<MTObs<Float32Array, TaskObs>> {
    const [observation, reward, terminated, truncated, info] = this.env.step(action);
    this.checkFrame(observation.envObs);
    this.frames.copyWithin(0, this.frameSize);
    this.frames.set(observation.envObs, (this.k - 1) * this.frameSize);
    return [{ envObs: this.frames.slice(), taskObs: observation.taskObs }, reward, terminated, truncated, info];
  }

  private checkFrame(frame: Float32Array): void {
    if (!(frame instanceof Float32Array) || frame.length !== this.frameSize) {
      throw new SpaceMismatchError(
        `FrameStack: the wrapped env returned envObs ${describeValue(frame)}; expected a Float32Array of length ${this.frameSize} as its space declares.`,
      );
    }
  }
}
