/**
 * The preallocated arrays a vector env writes into. Every array is laid out env-major (row i is
 * env i), so a worker that owns envs [start, end) writes one contiguous slice of each. With
 * `shared` the arrays live in SharedArrayBuffers that worker threads write directly.
 */
export interface VectorBuffers {
  readonly numEnvs: number;
  readonly envObsSize: number;
  readonly taskObsSize: number;
  readonly actionSize: number;
  readonly envObs: Float32Array;
  readonly taskObs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly actions: Float32Array;
  /** The true last observation of an episode that SameStep autoreset replaced. */
  readonly finalEnvObs: Float32Array;
  readonly finalTaskObs: Float32Array;
  /** 1 where the final* rows hold a final observation written by the latest step. */
  readonly hasFinal: Uint8Array;
}

export interface BufferSizes {
  readonly numEnvs: number;
  readonly envObsSize: number;
  readonly taskObsSize: number;
  readonly actionSize: number;
}

/** The raw storage, transferable to a worker (SharedArrayBuffers are shared, not copied). */
export type BufferStorage = { readonly [K in keyof Omit<VectorBuffers, keyof BufferSizes>]: ArrayBufferLike };

export function allocateBuffers(sizes: BufferSizes, shared: boolean): VectorBuffers {
  const { numEnvs, envObsSize, taskObsSize, actionSize } = sizes;
  const bytes = (count: number, elementBytes: number): ArrayBufferLike =>
    shared ? new SharedArrayBuffer(count * elementBytes) : new ArrayBuffer(count * elementBytes);
  return viewBuffers(sizes, {
    envObs: bytes(numEnvs * envObsSize, 4),
    taskObs: bytes(numEnvs * taskObsSize, 4),
    rewards: bytes(numEnvs, 8),
    terminated: bytes(numEnvs, 1),
    truncated: bytes(numEnvs, 1),
    actions: bytes(numEnvs * actionSize, 4),
    finalEnvObs: bytes(numEnvs * envObsSize, 4),
    finalTaskObs: bytes(numEnvs * taskObsSize, 4),
    hasFinal: bytes(numEnvs, 1),
  });
}

/** Typed-array views over storage (the worker side rebuilds its views this way). */
export function viewBuffers(sizes: BufferSizes, storage: BufferStorage): VectorBuffers {
  return {
    ...sizes,
    envObs: new Float32Array(storage.envObs),
    taskObs: new Float32Array(storage.taskObs),
    rewards: new Float64Array(storage.rewards),
    terminated: new Uint8Array(storage.terminated),
    truncated: new Uint8Array(storage.truncated),
    actions: new Float32Array(storage.actions),
    finalEnvObs: new Float32Array(storage.finalEnvObs),
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
