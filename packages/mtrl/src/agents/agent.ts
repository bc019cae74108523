import type { NamedArray } from "@mtrl/nn";
import type { ReplayBatch } from "../replay/replay-buffer.js";

/** Flat, namespaced training metrics, e.g. `{ "train/critic_loss": 0.3 }`. */
export type Metrics = Record<string, number>;

/** Everything an agent must save to resume exactly: named tensors plus JSON-able scalars. */
export interface AgentState {
  /** Weights and optimizer moments by stable name, with their shapes (safetensors on disk). */
  readonly tensors: Map<string, NamedArray>;
  /** Step counters, RNG states and other small values. */
  readonly json: Record<string, unknown>;
}

/** The sizes an agent is built for, read off the environment. */
export interface AgentDimensions {
  /** Flat size of one environment observation (without task information). */
  readonly observationSize: number;
  readonly actionSize: number;
  readonly numTasks: number;
  /** The observation's shape when it is more than a vector (pixels: [channels, height, width]), for image encoders. */
  readonly observationShape?: readonly number[];
}

/**
 * A multi-task agent. Actions live in [-1, 1]^actionSize; the runner rescales them to the env's
 * bounds, so replay stores what the policy produced.
 */
export interface MultiTaskAgent {
  /** Fills `out` [n × actionSize] with actions for observations [n × observationSize] of tasks `taskIndices`. */
  act(observations: Float32Array, taskIndices: Int32Array, deterministic: boolean, out: Float32Array): void;
  /** One gradient update from a replay batch; `updateIndex` counts updates from 0 (for cadences). */
  update(batch: ReplayBatch, updateIndex: number): Metrics;
  getState(): AgentState;
  setState(state: AgentState): void;
}
