import { Arena } from "../tensor/arena.js";
import type { Kernels } from "../kernels/kernels.js";
import { Tensor, formatShape, shapeSize } from "../tensor/tensor.js";
import { GradientError, ShapeError, StaleTensorError } from "../errors.js";
import { TapeNode, type BackwardFunction } from "./tape-node.js";

/** Options of `Engine.backward`. */
export interface BackwardOptions {
  /** d(loss)/d(output) to start from; required when the output has more than one element. */
  readonly seed?: Float32Array;
  /** Keep the tape for another `backward()` over the same graph (default: cleared). */
  readonly retainGraph?: boolean;
}

/**
 * Owns the kernels, the arena and the tape: every tensor belongs to one engine.
 *
 * A training step looks like:
 * ```ts
 * engine.beginStep();                         // recycle last step's activations, clear the tape
 * const loss = mseLoss(mlp.forward(x), y);    // ops record themselves on the tape
 * engine.backward(loss, params.tensors);      // gradients only w.r.t. what is asked
 * adam.step();
 * ```
 * Gradients are computed only along paths that lead to the tensors passed as `wrt`: the actor
 * loss of SAC backpropagates through the critic's activations but never touches the critic's
 * weight gradients.
 */
export class Engine {
  readonly arena: Arena;
  private readonly nodes: TapeNode[] = [];
  private tapeLength = 0;
  private gradEnabled = true;
  private pass = 0;

  constructor(
    readonly kernels: Kernels,
    options: { readonly blockFloats?: number } = {},
  ) {
    this.arena = new Arena(kernels, options.blockFloats);
  }

  /** Starts a training step: recycles all step-scoped memory and clears the tape. */
  beginStep(): void {
    this.clearTape();
    this.arena.reset();
  }

  /** Runs `body` without recording ops: results carry no gradient (torch.no_grad). */
  noGrad<T>(body: () => T): T {
    const previous = this.gradEnabled;
    this.gradEnabled = false;
    try {
      return body();
    } finally {
      this.gradEnabled = previous;
    }
  }

  /**
   * `noGrad(body)` for a pass whose intermediate tensors are not needed afterwards (a target
   * network's forward, features the actor reads detached): every step-scoped tensor `body` makes
   * is freed at once, and only its result is kept, moved to where they began. A pixel encoder's
   * activations are ~250 MB at B = 128; a SAC critic step makes two such passes for its target.
   * Tensors made inside `body` must not be used after it returns (their memory is reused).
   */
  noGradResult(body: () => Tensor): Tensor {
    const mark = this.arena.mark();
    const result = this.noGrad(body);
    this.arena.release(mark);
    const kept = this.empty(result.shape);
    // Where `result` lies after the mark, `kept` starts at the mark, below it: `set` from the same
    // buffer copies the source first (as the spec requires), so the overlap is safe.
    kept.data.set(result.data);
    return kept;
  }

  get isGradEnabled(): boolean {
    return this.gradEnabled;
  }

  /** A step-scoped tensor with unspecified contents (ops overwrite it entirely). */
  empty(shape: readonly number[]): Tensor {
    const data = this.arena.allocateTransient(shapeSize(shape));
    return new Tensor(this, shape, data, false, false, this.arena.generation);
  }

  /** A step-scoped tensor holding a copy of `values` (e.g. a replay batch), without gradient. */
  input(shape: readonly number[], values?: ArrayLike<number>, requiresGrad = false): Tensor {
    const tensor = this.empty(shape);
    if (values !== undefined) {
      if (values.length !== tensor.size) {
        throw new ShapeError(
          `input: expected ${tensor.size} values for shape ${formatShape(shape)}, got ${values.length}. Pass exactly one value per element.`,
        );
      }
      tensor.data.set(values);
    } else {
      tensor.data.fill(0);
    }
    tensor.requiresGrad = requiresGrad;
    return tensor;
  }

  /** A persistent tensor (lives as long as the engine), zero-filled. */
  persistent(shape: readonly number[], name = "", requiresGrad = false): Tensor {
    const data = this.arena.allocatePersistent(shapeSize(shape));
    const tensor = new Tensor(this, shape, data, requiresGrad, true, 0, name);
    if (requiresGrad) tensor.grad = this.arena.allocatePersistent(shapeSize(shape));
    return tensor;
  }

  /** Throws unless `tensor` belongs to this engine and its memory was not recycled. */
  check(tensor: Tensor): void {
    if (tensor.engine !== this) {
      throw new ShapeError(`${tensor.describe()} belongs to another Engine; tensors of one computation must share an engine.`);
    }
    if (!tensor.persistent && tensor.generation !== this.arena.generation) {
      throw new StaleTensorError(
        `${tensor.describe()} was made in step ${tensor.generation} but the engine is at step ${this.arena.generation}: its memory was recycled by beginStep(). Copy values you need across steps (tensor.toArray()) or keep them in a persistent tensor.`,
      );
    }
  }

  /**
   * Records an op whose output is `out` if grad mode is on and an input requires a gradient;
   * returns the node (for the op to fill in what its backward needs) or null.
   */
  record(backward: BackwardFunction, out: Tensor, a: Tensor | null, b: Tensor | null = null, c: Tensor | null = null): TapeNode | null {
    if (!this.gradEnabled) return null;
    const needed = (a !== null && a.requiresGrad) || (b !== null && b.requiresGrad) || (c !== null && c.requiresGrad);
    if (!needed) return null;
    return this.pushNode(backward, out, a, b, c);
  }

  /** Like `record` for ops with a variable number of inputs (concat), plus up to two others. */
  recordList(backward: BackwardFunction, out: Tensor, inputs: readonly Tensor[], b: Tensor | null = null, c: Tensor | null = null): TapeNode | null {
    if (!this.gradEnabled) return null;
    const needed = (b !== null && b.requiresGrad) || (c !== null && c.requiresGrad) || inputs.some((input) => input.requiresGrad);
    if (!needed) return null;
    const node = this.pushNode(backward, out, null, b, c);
    node.list = inputs;
    return node;
  }

  private pushNode(backward: BackwardFunction, out: Tensor, a: Tensor | null, b: Tensor | null, c: Tensor | null): TapeNode {
    let node = this.nodes[this.tapeLength];
    if (node === undefined) {
      node = new TapeNode();
      this.nodes.push(node);
    }
    this.tapeLength++;
    node.backward = backward;
    node.a = a;
    node.b = b;
    node.c = c;
    node.out = out;
    out.requiresGrad = true;
    out.producer = node;
    return node;
  }

  /** Number of ops on the tape (for tests and diagnostics). */
  get tapeSize(): number {
    return this.tapeLength;
  }

  clearTape(): void {
    for (let i = 0; i < this.tapeLength; i++) this.nodes[i]!.clear();
    this.tapeLength = 0;
  }

  /**
   * Reverse-mode differentiation of `output` w.r.t. `wrt` (default: every leaf on the tape that
   * requires a gradient). Afterwards each tensor in `wrt` holds d(output)/d(tensor) in `grad`,
   * overwritten, not accumulated (zero when `output` does not depend on it). Tensors that do not
   * lead to `wrt` get no gradient and cost nothing.
   */
  backward(output: Tensor, wrt?: readonly Tensor[], options: BackwardOptions = {}): void {
    this.check(output);
    const pass = ++this.pass;
    const targets = wrt ?? this.leavesRequiringGrad();
    for (const target of targets) {
      target.wrtPass = pass;
      target.targetPass = pass;
    }
    for (let i = 0; i < this.tapeLength; i++) {
      const node = this.nodes[i]!;
      if (node.anyInputInPass(pass)) {
        node.out.wrtPass = pass;
        if (node.out2 !== null) node.out2.wrtPass = pass;
      }
    }
    if (output.wrtPass === pass) {
      this.claimGrad(output);
      const grad = output.grad!;
      if (options.seed !== undefined) {
        if (options.seed.length !== output.size) {
          throw new GradientError(`backward: seed has ${options.seed.length} values but ${output.describe()} has ${output.size}. Pass one gradient value per output element.`);
        }
        grad.set(options.seed);
      } else if (output.size === 1) {
        grad[0] = 1;
      } else {
        throw new GradientError(`backward: ${output.describe()} is not a scalar. Reduce it to a loss (mean/sum) first, or pass options.seed.`);
      }
      for (let i = this.tapeLength - 1; i >= 0; i--) {
        const node = this.nodes[i]!;
        const outReady = node.out.gradPass === pass || (node.out2 !== null && node.out2.gradPass === pass);
        if (outReady && node.out.wrtPass === pass) node.backward(node);
      }
    }
    for (const target of targets) {
      if (target.gradPass !== pass) {
        if (target.grad === null || !target.persistent) target.grad = this.arena.allocateTransient(target.size);
        target.grad.fill(0);
      }
    }
    if (options.retainGraph !== true) this.clearTape();
  }

  /** Whether the current backward pass needs d(output)/d(`tensor`). */
  needsGrad(tensor: Tensor | null): tensor is Tensor {
    return tensor !== null && tensor.wrtPass === this.pass;
  }

  /** Whether `tensor` received a gradient in the current backward pass. */
  hasGrad(tensor: Tensor | null): tensor is Tensor {
    return tensor !== null && tensor.gradPass === this.pass;
  }

  /**
   * Makes `tensor.grad` ready for a contribution and returns the BLAS-style beta to write it
   * with: 0 for the first contribution of this pass (overwrite; the buffer may hold garbage),
   * 1 for later ones (accumulate). Writing instead of zero-then-add saves a pass over memory.
   */
  claimGrad(tensor: Tensor): 0 | 1 {
    if (tensor.gradPass === this.pass) return 1;
    tensor.gradPass = this.pass;
    if (tensor.grad === null || !tensor.persistent) tensor.grad = this.arena.allocateTransient(tensor.size);
    return 0;
  }

  /**
   * `claimGrad(x)` for an elementwise backward from `out` (same size) that may compute x's gradient
   * over out's gradient in place: on x's first contribution, when x is step-scoped and out's
   * gradient is internal (out is neither persistent nor asked for), x's gradient becomes out's
   * buffer. out's gradient is complete once its producer's backward runs and nothing reads it
   * afterwards, so this saves one activation-sized buffer per ReLU or reshape on the path
   * (~190 MB in a sac-ae decoder step). Returns the beta as claimGrad does.
   */
  claimGradInPlace(x: Tensor, out: Tensor): 0 | 1 {
    if (x.gradPass === this.pass) return 1;
    const reusable = !x.persistent && !out.persistent && out.targetPass !== this.pass && out.gradPass === this.pass && out.size === x.size;
    if (!reusable) return this.claimGrad(x);
    x.gradPass = this.pass;
    x.grad = out.grad;
    return 0;
  }

  private leavesRequiringGrad(): Tensor[] {
    const leaves = new Set<Tensor>();
    const visit = (input: Tensor | null): void => {
      if (input !== null && input.requiresGrad && input.producer === null) leaves.add(input);
    };
    for (let i = 0; i < this.tapeLength; i++) {
      const node = this.nodes[i]!;
      visit(node.a);
      visit(node.b);
      visit(node.c);
      if (node.list !== null) for (const input of node.list) visit(input);
    }
    return [...leaves];
  }
}
