import type { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { formatShape, shapeSize, type Tensor } from "../tensor/tensor.js";
import { didYouMean } from "@mtrl/core/errors";

/** Contiguous views over all values and all gradients of a store, in registration order. */
export interface FlatParameters {
  readonly values: Float32Array;
  readonly grads: Float32Array;
}

interface Registry {
  readonly tensors: Tensor[];
  readonly byName: Map<string, Tensor>;
  flat: FlatParameters | null;
}

/**
 * The named parameters of a model, in a stable order: names like `critic.q1.layers.0.weight` are
 * what checkpoints store. Modules register through a store scoped with their prefix
 * (`store.child("q1")`); all children share one registry.
 *
 * `flat()` moves every parameter (and its gradient) into one contiguous block, so Adam and
 * Polyak averaging run as a single kernel call over the whole model instead of one per tensor.
 */
export class ParameterStore {
  private readonly registry: Registry;

  constructor(
    readonly engine: Engine,
    /** Name prefix of this scope ("" for the root). */
    readonly prefix = "",
    registry?: Registry,
  ) {
    this.registry = registry ?? { tensors: [], byName: new Map(), flat: null };
  }

  /** A scope whose parameters are named `<prefix>.<name>.<...>`, sharing this store's registry. */
  child(name: string): ParameterStore {
    return new ParameterStore(this.engine, this.qualify(name), this.registry);
  }

  /** Registers a trainable parameter, zero-filled, then filled by `init` (which must be seeded). */
  create(name: string, shape: readonly number[], init: (values: Float32Array, fullName: string) => void): Tensor {
    const fullName = this.qualify(name);
    if (this.registry.byName.has(fullName)) {
      throw new ShapeError(`ParameterStore: a parameter named "${fullName}" already exists; give each layer a distinct name.`);
    }
    if (this.registry.flat !== null) {
      throw new ShapeError(`ParameterStore: cannot add "${fullName}" after flat() packed the store; create every parameter before building the optimizer.`);
    }
    const tensor = this.engine.persistent(shape, fullName, true);
    init(tensor.data, fullName);
    this.registry.tensors.push(tensor);
    this.registry.byName.set(fullName, tensor);
    return tensor;
  }

  /** Every parameter of the registry in registration order (all scopes). */
  get tensors(): readonly Tensor[] {
    return this.registry.tensors;
  }

  get names(): string[] {
    return this.registry.tensors.map((tensor) => tensor.name);
  }

  /** Total number of scalar parameters. */
  get size(): number {
    let total = 0;
    for (const tensor of this.registry.tensors) total += tensor.size;
    return total;
  }

  get(name: string): Tensor {
    const tensor = this.registry.byName.get(name);
    if (tensor === undefined) {
      throw new ShapeError(`ParameterStore: no parameter named "${name}".${didYouMean(name, this.registry.byName.keys())}`);
    }
    return tensor;
  }

  /** "name:shape;…" — equal for two stores built by the same architecture (target networks). */
  get layoutSignature(): string {
    return this.registry.tensors.map((tensor) => `${tensor.name.slice(this.rootPrefixLength())}:${formatShape(tensor.shape)}`).join(";");
  }

  /**
   * Packs all parameters into one block of values and one of gradients (copying the current
   * values) and re-points each tensor at its slice. Done once; later calls return the same views.
   */
  flat(): FlatParameters {
    if (this.registry.flat !== null) return this.registry.flat;
    let total = 0;
    for (const tensor of this.registry.tensors) total += tensor.size;
    const values = this.engine.arena.allocatePersistent(total);
    const grads = this.engine.arena.allocatePersistent(total);
    let offset = 0;
    for (const tensor of this.registry.tensors) {
      const size = shapeSize(tensor.shape);
      values.set(tensor.data, offset);
      grads.set(tensor.grad!, offset);
      tensor.data = values.subarray(offset, offset + size);
      tensor.grad = grads.subarray(offset, offset + size);
      offset += size;
    }
    this.registry.flat = { values, grads };
    return this.registry.flat;
  }

  /** Stops or restarts gradient tracking for every parameter (e.g. frozen target networks). */
  setRequiresGrad(requiresGrad: boolean): void {
    for (const tensor of this.registry.tensors) tensor.requiresGrad = requiresGrad;
  }

  private qualify(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}.${name}`;
  }

  private rootPrefixLength(): number {
    // Names in the signature are relative to the store's root prefix, so "critic.*" and
    // "criticTarget.*" compare equal.
    const first = this.registry.tensors[0];
    if (first === undefined) return 0;
    const root = first.name.split(".")[0]!;
    return this.registry.tensors.every((tensor) => tensor.name.startsWith(`${root}.`)) ? root.length + 1 : 0;
  }
}
