import { ConfigError, InvalidTaskStateError, describeValue } from "../../core/errors.js";
import { MTEnvBase } from "../../core/mt-env.js";
import type { Rng } from "../../core/rng.js";
import type { DescribesTasks } from "../../core/task-set.js";
import type { Info } from "../../core/types.js";
import { Box } from "../../spaces/box.js";
import { Discrete } from "../../spaces/discrete.js";
import type { Space } from "../../spaces/space.js";
import type { BoundControlTask, ControlTask, TaskFamily } from "./control-task.js";
import { RayCastRenderer } from "./render/ray-cast-renderer.js";
import { acquireModel, releaseModel } from "./runtime.js";
import { MujocoSimulation } from "./simulation.js";

/** How the task is shown to the agent: the variant index (Discrete) or its one-hot vector (Box). */
export type TaskObservationMode = "index" | "one-hot";

export interface ControlSuiteEnvOptions {
  /** Observe 84×84-style RGB frames instead of the state vector. */
  fromPixels: boolean;
  height: number;
  width: number;
  /** Control steps per agent step, with the action repeated and rewards summed (action repeat). */
  frameSkip: number;
  /** Frames stacked along the channel axis of pixel observations (ignored for state observations). */
  frameStack: number;
  taskObservation: TaskObservationMode;
  /** Variant used until the first setTaskState. */
  initialTaskState: number;
  /** Variants that sampleTaskState draws from (default: all), e.g. a train split. */
  sampleFrom?: readonly number[];
  /** Camera for pixels; defaults to the task's camera. */
  camera?: string;
}

export type ControlSuiteTaskObs = number | Float32Array;

/** State vectors (float32), or pixel frames as bytes (uint8, 0–255). */
export type ControlSuiteEnvObs = Float32Array | Uint8Array;

/**
 * A DeepMind-Control-style task on a MuJoCo model whose physics vary with the task state (the
 * HiP-BMDP setting): task state = variant index; each variant's MJCF comes from the family's
 * template and is compiled when the variant is selected. Episodes last the task's control steps
 * (1000) and end truncated, never terminated. State observations are float vectors; pixel
 * observations are channel-first frames [3·frameStack, height, width] of bytes (a uint8 Box), the
 * oldest frame first, so vector envs and replay buffers keep them at a byte per value.
 */
export class ControlSuiteEnv extends MTEnvBase<ControlSuiteEnvObs, ControlSuiteTaskObs, Float32Array, number> implements DescribesTasks<number> {
  readonly options: Readonly<ControlSuiteEnvOptions>;
  private variant: number;
  private simulation: MujocoSimulation;
  private bound: BoundControlTask;
  private renderer: RayCastRenderer | undefined;
  private readonly control: Float64Array;
  private readonly controlLow: Float64Array;
  private readonly controlHigh: Float64Array;
  private controlStepsTaken = 0;
  /** Pixel frames, oldest first (RGB, row-major). */
  private frames: Uint8Array[] = [];
  /**
   * XML of every variant this env has visited, whose compiled model it keeps until close():
   * switching back to a variant then costs an MjData, not a recompile (2–20 ms each).
   */
  private readonly retainedVariantXml = new Map<number, string>();

  constructor(
    readonly task: ControlTask,
    readonly family: TaskFamily,
    options: ControlSuiteEnvOptions,
  ) {
    const variantCount = family.values.length;
    validateOptions(options, variantCount);
    const simulation = MujocoSimulation.fromXml(family.xml(options.initialTaskState), `${task.domain}-${task.task} variant ${options.initialTaskState}`);
    const range = simulation.controlRange();
    const low = Float64Array.from({ length: simulation.nu }, (_, i) => range[2 * i]!);
    const high = Float64Array.from({ length: simulation.nu }, (_, i) => range[2 * i + 1]!);
    const envObservationSpace: Space<ControlSuiteEnvObs> = options.fromPixels
      ? new Box(0, 255, { shape: [3 * options.frameStack, options.height, options.width], dtype: "uint8" })
      : new Box(-Infinity, Infinity, { shape: [task.observationSize] });
    const taskObservationSpace: Space<ControlSuiteTaskObs> =
      options.taskObservation === "index" ? new Discrete(variantCount) : new Box(0, 1, { shape: [variantCount] });
    super(new Box(low, high), envObservationSpace, taskObservationSpace);
    this.options = Object.freeze({ ...options });
    this.variant = options.initialTaskState;
    this.simulation = simulation;
    this.bound = task.bind(simulation);
    this.renderer = this.makeRenderer();
    this.controlLow = low;
    this.controlHigh = high;
    this.control = new Float64Array(simulation.nu);
    this.retainVariant(options.initialTaskState, simulation.xml);
  }

  /** Number of physics variants (task states). */
  get variantCount(): number {
    return this.family.values.length;
  }

  /** The simulation of the current variant (for tests, renderers and tools). */
  get physics(): MujocoSimulation {
    return this.simulation;
  }

  getTaskObs(): ControlSuiteTaskObs {
    if (this.options.taskObservation === "index") return this.variant;
    const oneHot = new Float32Array(this.variantCount);
    oneHot[this.variant] = 1;
    return oneHot;
  }

  getTaskState(): number {
    return this.variant;
  }

  setTaskState(state: number): void {
    this.assertOpen("setTaskState");
    this.checkVariant(state);
    if (state === this.variant) return;
    const xml = this.retainedVariantXml.get(state) ?? this.family.xml(state);
    const next = MujocoSimulation.fromXml(xml, `${this.task.domain}-${this.task.task} variant ${state}`);
    this.retainVariant(state, xml);
    this.simulation.close();
    this.simulation = next;
    this.variant = state;
    this.bound = this.task.bind(next);
    this.renderer = this.makeRenderer();
  }

  /**
   * The task's sentence, then the variant's parameter with three decimals when the family varies
   * one (the HiP-BMDP ids), e.g. "... In this variant the torso half-length is 0.600 m."
   */
  describeTask(state: number): string {
    this.checkVariant(state);
    const { parameterName, unit, values } = this.family;
    if (parameterName === "") return this.task.description;
    const value = `${values[state]!.toFixed(3)}${unit === "" ? "" : ` ${unit}`}`;
    return `${this.task.description} In this variant the ${parameterName} is ${value}.`;
  }

  private checkVariant(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state >= this.variantCount) {
      throw new InvalidTaskStateError(
        `${this.task.domain}-${this.task.task}: task state must be a variant index in [0, ${this.variantCount - 1}], got ${describeValue(state)}.`,
      );
    }
  }

  sampleTaskState(): number {
    const choices = this.options.sampleFrom;
    return choices === undefined ? this.taskRng.integers(0, this.variantCount) : this.taskRng.choice(choices);
  }

  /** The current frame from the pixel camera (RGB bytes), whether or not observations are pixels. */
  renderFrame(width = this.options.width, height = this.options.height): Uint8Array {
    const renderer =
      this.renderer !== undefined && this.renderer.width === width && this.renderer.height === height
        ? this.renderer
        : new RayCastRenderer(this.simulation, { width, height, camera: this.options.camera ?? this.task.camera });
    return renderer.render(new Uint8Array(width * height * 3));
  }

  override close(): void {
    if (!this.isClosed) {
      this.simulation.close();
      for (const xml of this.retainedVariantXml.values()) releaseModel(xml);
      this.retainedVariantXml.clear();
    }
    super.close();
  }

  private retainVariant(variant: number, xml: string): void {
    if (this.retainedVariantXml.has(variant)) return;
    acquireModel(xml, `${this.task.domain}-${this.task.task} variant ${variant}`);
    this.retainedVariantXml.set(variant, xml);
  }

  protected resetEnv(rng: Rng): [ControlSuiteEnvObs, Info] {
    this.simulation.resetData();
    this.bound.initializeEpisode(rng);
    this.simulation.forward();
    this.controlStepsTaken = 0;
    if (this.renderer !== undefined) {
      const first = this.renderer.render(new Uint8Array(this.options.width * this.options.height * 3));
      this.frames = Array.from({ length: this.options.frameStack }, () => first);
    }
    return [this.observe(), {}];
  }

  protected stepEnv(action: Float32Array): [ControlSuiteEnvObs, number, boolean, boolean, Info] {
    const clipped = new Float32Array(action.length);
    const ctrl = this.simulation.ctrl;
    for (let i = 0; i < action.length; i++) {
      const value = Math.min(Math.max(action[i]!, this.controlLow[i]!), this.controlHigh[i]!);
      clipped[i] = value;
      this.control[i] = value;
    }
    ctrl.set(this.control);
    const episodeLength = this.task.controlStepsPerEpisode;
    let reward = 0;
    for (let repeat = 0; repeat < this.options.frameSkip && this.controlStepsTaken < episodeLength; repeat++) {
      this.simulation.advance(this.task.physicsStepsPerControlStep);
      reward += this.bound.reward(clipped);
      this.controlStepsTaken += 1;
    }
    if (this.renderer !== undefined) {
      this.frames.shift();
      this.frames.push(this.renderer.render(new Uint8Array(this.options.width * this.options.height * 3)));
    }
    const truncated = this.controlStepsTaken >= episodeLength;
    return [this.observe(), reward, false, truncated, truncated ? { timeLimitReached: true } : {}];
  }

  private observe(): ControlSuiteEnvObs {
    if (this.renderer === undefined) {
      const out = new Float32Array(this.task.observationSize);
      this.bound.observe(out);
      return out;
    }
    const pixels = this.options.width * this.options.height;
    const out = new Uint8Array(3 * this.frames.length * pixels);
    this.frames.forEach((frame, slot) => {
      // Interleaved RGB → channel-first planes, oldest frame first.
      const red = 3 * slot * pixels;
      for (let p = 0; p < pixels; p++) {
        out[red + p] = frame[3 * p]!;
        out[red + pixels + p] = frame[3 * p + 1]!;
        out[red + 2 * pixels + p] = frame[3 * p + 2]!;
      }
    });
    return out;
  }

  private makeRenderer(): RayCastRenderer | undefined {
    if (!this.options.fromPixels) return undefined;
    return new RayCastRenderer(this.simulation, { width: this.options.width, height: this.options.height, camera: this.options.camera ?? this.task.camera });
  }
}

function validateOptions(options: ControlSuiteEnvOptions, variantCount: number): void {
  const positiveInteger = (name: keyof ControlSuiteEnvOptions): void => {
    const value = options[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      throw new ConfigError(`${name} must be a positive integer, got ${describeValue(value)}.`);
    }
  };
  positiveInteger("height");
  positiveInteger("width");
  positiveInteger("frameSkip");
  positiveInteger("frameStack");
  const inRange = (value: unknown): boolean => typeof value === "number" && Number.isInteger(value) && value >= 0 && value < variantCount;
  if (!inRange(options.initialTaskState)) {
    throw new ConfigError(`initialTaskState must be a variant index in [0, ${variantCount - 1}], got ${describeValue(options.initialTaskState)}.`);
  }
  if (options.sampleFrom !== undefined && (options.sampleFrom.length === 0 || !options.sampleFrom.every(inRange))) {
    throw new ConfigError(`sampleFrom must be a non-empty list of variant indices in [0, ${variantCount - 1}], got ${describeValue(options.sampleFrom)}.`);
  }
}
