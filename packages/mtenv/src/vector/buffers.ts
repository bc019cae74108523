import type { BoxDtype, FlatArray } from "../spaces/space.js";

/**
 * The preallocated arrays a vector env writes into. Environment observations are bytes when every
 * slot of the env's observation space is a byte (`envObsDtype` "uint8": pixels at a quarter of the
 * float size), else floats. Every array is laid out env-major (row i is
 * env i), so a worker that owns envs [start, end) writes one contiguous slice of each. With
 * `shared` the arrays live in SharedArrayBuffers that worker threads write directly.
 */
export interface VectorBuffers {
  readonly numEnvs: number;
  readonly envObsSize: number;
  readonly taskObsSize: number;
  readonly actionSize: number;
  readonly envObsDtype: BoxDtype;
  readonly envObs: FlatArray;
  readonly taskObs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly actions: Float32Array;
  /** The true last observation of an episode that SameStep autoreset replaced. */
  readonly finalEnvObs: FlatArray;
  readonly finalTaskObs: Float32Array;
  /** 1 where the final* rows hold a final observation written by the latest step. */
  readonly hasFinal: Uint8Array;
}

export interface BufferSizes {
  readonly numEnvs: number;
  readonly envObsSize: number;
  readonly taskObsSize: number;
  readonly actionSize: number;
  /** The flat dtype of the single env observation space (`space.flatDtype`). */
  readonly envObsDtype: BoxDtype;
}

/** The raw storage, transferable to a worker (SharedArrayBuffers are shared, not copied). */
export type BufferStorage = { readonly [K in keyof Omit<VectorBuffers, keyof BufferSizes>]: ArrayBufferLike };

export function allocateBuffers(sizes: BufferSizes, shared: boolean): VectorBuffers {
  const { numEnvs, envObsSize, taskObsSize, actionSize } = sizes;
  const envObsBytes = sizes.envObsDtype === "uint8" ? 1 : 4;
  const bytes = (count: number, elementBytes: number): ArrayBufferLike =>
    shared ? new SharedArrayBuffer(count * elementBytes) : new ArrayBuffer(count * elementBytes);
  return viewBuffers(sizes, {
    envObs: bytes(numEnvs * envObsSize, envObsBytes),
    taskObs: bytes(numEnvs * taskObsSize, 4),
    rewards: bytes(numEnvs, 8),
    terminated: bytes(numEnvs, 1),
    truncated: bytes(numEnvs, 1),
    actions: bytes(numEnvs * actionSize, 4),
    finalEnvObs: bytes(numEnvs * envObsSize, envObsBytes),
    finalTaskObs: bytes(numEnvs * taskObsSize, 4),
    hasFinal: bytes(numEnvs, 1),
  });
}

/** Typed-array views over storage (the worker side rebuilds its views this way). */
export function viewBuffers(sizes: BufferSizes, storage: BufferStorage): VectorBuffers {
  const envObsView = (buffer: ArrayBufferLike): FlatArray => (sizes.envObsDtype === "uint8" ? new Uint8Array(buffer) : new Float32Array(buffer));
  return {
    ...sizes,
    envObs: envObsView(storage.envObs),
    taskObs: new Float32Array(storage.taskObs),
    rewards: new Float64Array(storage.rewards),
    terminated: new Uint8Array(storage.terminated),
    truncated: new Uint8Array(storage.truncated),
    actions: new Float32Array(storage.actions),
    finalEnvObs: envObsView(storage.finalEnvObs),
    finalTaskObs: new Float32Array(storage.finalTaskObs),
    hasFinal: new Uint8Array(storage.hasFinal),
  };
}

/** The storage behind a set of views, to send to a worker. */
export function bufferStorage(buffers: VectorBuffers): BufferStorage {
  return {
    envObs: buffers.envObs.buffer,
    taskObs: buffers.taskObs.buffer,
    rewards: buffers.rewards.buffer,
    terminated: buffers.terminated.buffer,
    truncated: buffers.truncated.buffer,
    actions: buffers.actions.buffer,
    finalEnvObs: buffers.finalEnvObs.buffer,
    finalTaskObs: buffers.finalTaskObs.buffer,
    hasFinal: buffers.hasFinal.buffer,
  };
}
