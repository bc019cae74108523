import type { Tensor } from "../tensor/tensor.js";

/** Propagates `node.out.grad` (and `node.out2.grad`) to the node's inputs that need it. */
export type BackwardFunction = (node: TapeNode) => void;

/**
 * One recorded op. Nodes are pooled by the engine and reused step after step, so instead of a
 * closure per op (an allocation each time) a node carries a static backward function plus a few
 * generic slots for what that function needs: inputs a, b, c (or `list`), saved tensors, an index
 * array, numbers and a helper function.
 */
export class TapeNode {
  backward: BackwardFunction = noBackward;
  a: Tensor | null = null;
  b: Tensor | null = null;
  c: Tensor | null = null;
  /** Variable-length inputs (concat). */
  list: readonly Tensor[] | null = null;
  out!: Tensor;
  /** A second output (e.g. the log-prob of a squashed Gaussian sample). */
  out2: Tensor | null = null;
  saved: Tensor | null = null;
  saved2: Tensor | null = null;
  index: Int32Array | null = null;
  n0 = 0;
  n1 = 0;
  n2 = 0;
  n3 = 0;
  n4 = 0;
  n5 = 0;
  /** Per-op helper, e.g. the derivative of an elementwise function. */
  fn: ((x: number, y: number) => number) | null = null;
  flag = false;
  /** Op-specific settings too many for the number slots (e.g. a convolution's geometry). */
  config: unknown = null;

  /**
   * Forgets the op. Its outputs become plain constants (no producer, no gradient), like a tensor
   * whose graph PyTorch freed: they can still be read, e.g. a log-prob reused detached.
   */
  clear(): void {
    this.out.producer = null;
    this.out.requiresGrad = false;
    if (this.out2 !== null) {
      this.out2.producer = null;
      this.out2.requiresGrad = false;
    }
    this.backward = noBackward;
    this.a = this.b = this.c = null;
    this.list = null;
    this.out2 = this.saved = this.saved2 = null;
    this.index = null;
    this.fn = null;
    this.flag = false;
    this.config = null;
  }

  /** Whether any input of this node is marked as leading to a requested gradient in `pass`. */
  anyInputInPass(pass: number): boolean {
    if (this.a !== null && this.a.wrtPass === pass) return true;
    if (this.b !== null && this.b.wrtPass === pass) return true;
    if (this.c !== null && this.c.wrtPass === pass) return true;
    if (this.list !== null) for (const input of this.list) if (input.wrtPass === pass) return true;
    return false;
  }
}

function noBackward(): void {}
