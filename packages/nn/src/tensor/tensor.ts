import type { Engine } from "../autodiff/engine.js";
import type { TapeNode } from "../autodiff/tape-node.js";

/**
 * A shape and a Float32Array view into the engine's arena (row-major, contiguous).
 *
 * Persistent tensors (parameters, constants) live as long as the engine; step-scoped tensors
 * (everything an op returns) live until the next `engine.beginStep()`. Tensors are never freed
 * one by one: memory is recycled wholesale, which is what keeps a training step allocation-free.
 */
export class Tensor {
  /** Number of elements: the product of `shape`. */
  readonly size: number;
  /** Gradient of the last `backward()` w.r.t. this tensor, when it was asked for. */
  grad: Float32Array | null = null;
  /** The op that produced this tensor on the current tape, or null for leaves. */
  producer: TapeNode | null = null;
  /** Bookkeeping of `Engine.backward`: the pass in which `grad` was first written. */
  gradPass = 0;
  /** Bookkeeping of `Engine.backward`: the pass in which this tensor was found to need a gradient. */
  wrtPass = 0;
  /** Bookkeeping of `Engine.backward`: the pass that was asked for this tensor's gradient. */
  targetPass = 0;

  constructor(
    readonly engine: Engine,
    readonly shape: readonly number[],
    /** The values. Persistent tensors may be re-pointed once by `ParameterStore.flat()`. */
    public data: Float32Array,
    /** Whether gradients flow to (or through) this tensor. */
    public requiresGrad: boolean,
    /** Whether the memory outlives the step (parameters, constants). */
    readonly persistent: boolean,
    /** The arena generation this step-scoped tensor was made in. */
    readonly generation: number,
    /** Stable name (parameters), used by checkpoints and error messages. */
    public name = "",
  ) {
    this.size = data.length;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Size of dimension `axis` (negative counts from the end). */
  dim(axis: number): number {
    const resolved = axis < 0 ? this.shape.length + axis : axis;
    return this.shape[resolved] ?? 1;
  }

  /** The single value of a one-element tensor, as a number (for losses and metrics). */
  item(): number {
    return this.data[0]!;
  }

  /** A plain copy of the values, safe to keep after the step ends. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  describe(): string {
    return `${this.name === "" ? "tensor" : this.name}[${this.shape.join(", ")}]`;
  }
}

/** Product of a shape's dimensions (1 for a scalar shape []). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
