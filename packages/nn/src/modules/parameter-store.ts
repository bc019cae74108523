import type { Engine } from "../autodiff/engine.js";
import { ShapeError } from "../errors.js";
import { formatShape, shapeSize, type Tensor } from "../tensor/tensor.js";
import { didYouMean } from "@mtrl/core/errors";
import type { InitScheme } from "./init.js";

/** Contiguous views over all values and all gradients of a store, in its parameter order. */
export interface FlatParameters {
  readonly values: Float32Array;
  readonly grads: Float32Array;
}

/** What the stores of one tree share: the name index and, once packed, the flat blocks. */
interface Root {
  readonly byName: Map<string, Tensor>;
  flat: FlatParameters | null;
  initScheme: InitScheme;
}

/** One entry of a store in creation order: a parameter of its own, or a child group. */
type Item = Tensor | ParameterStore;

/**
 * The named parameters of a model, as a tree of groups: `critic` holds `critic.encoder`,
 * `critic.q1`, ...; names like `critic.q1.layers.0.weight` are what checkpoints store.
 *
 * Every store — the root and each child made by `child(name)` — owns exactly the parameters
 * created through it and its descendants: `tensors`, `size`, `flat()`, `setRequiresGrad`, and
 * therefore `new Adam(store)` and `polyakUpdate(target, store, τ)`, see only that subtree. So an
 * optimizer over `critic.child("encoder")` moves the encoder and nothing else, and an encoder's
 * target can track it with its own τ.
 *
 * `flat()` packs the whole tree once into one block of values and one of gradients, in tree order
 * (a store's items in creation order, children expanded in place), so every subtree is one
 * contiguous slice: Adam and Polyak run as a single kernel call over any group.
 */
export class ParameterStore {
  private readonly root: Root;
  private readonly items: Item[] = [];
  private readonly children = new Map<string, ParameterStore>();
  private ordered: Tensor[] | null = null;
  private packed: FlatParameters | null = null;

  constructor(
    readonly engine: Engine,
    /** Name prefix of this scope ("" for an unnamed root). */
    readonly prefix = "",
    private readonly parent: ParameterStore | null = null,
  ) {
    this.root = parent === null ? { byName: new Map(), flat: null, initScheme: "uniform" } : parent.root;
  }

  /** How layers created in this tree initialise their weights (see InitScheme); default "uniform". */
  get initScheme(): InitScheme {
    return this.root.initScheme;
  }

  /** Sets the tree's init scheme; call it before creating layers. Returns the store. */
  withInitScheme(scheme: InitScheme): this {
    if (this.root.byName.size > 0) {
      throw new ShapeError(`ParameterStore.withInitScheme("${scheme}"): the tree already has parameters (${[...this.root.byName.keys()].slice(0, 3).join(", ")}); set the scheme before creating layers.`);
    }
    this.root.initScheme = scheme;
    return this;
  }

  /**
   * The group `<prefix>.<name>`: parameters created through it are named `<prefix>.<name>.<...>`
   * and belong to it and to every ancestor. Asking twice for the same name gives the same group.
   */
  child(name: string): ParameterStore {
    const existing = this.children.get(name);
    if (existing !== undefined) return existing;
    if (name === "" || name.startsWith(".") || name.endsWith(".")) {
      throw new ShapeError(`ParameterStore.child: expected a non-empty name without leading or trailing dots, got ${JSON.stringify(name)}.`);
    }
    const group = new ParameterStore(this.engine, this.qualify(name), this);
    this.children.set(name, group);
    this.items.push(group);
    this.invalidateOrder();
    return group;
  }

  /** Registers a trainable parameter, zero-filled, then filled by `init` (which must be seeded). */
  create(name: string, shape: readonly number[], init: (values: Float32Array, fullName: string) => void): Tensor {
    const fullName = this.qualify(name);
    if (this.root.byName.has(fullName)) {
      throw new ShapeError(`ParameterStore: a parameter named "${fullName}" already exists; give each layer a distinct name.`);
    }
    if (this.root.flat !== null) {
      throw new ShapeError(`ParameterStore: cannot add "${fullName}" after flat() packed the store; create every parameter before building the optimizer.`);
    }
    const tensor = this.engine.persistent(shape, fullName, true);
    init(tensor.data, fullName);
    this.items.push(tensor);
    this.root.byName.set(fullName, tensor);
    this.invalidateOrder();
    return tensor;
  }

  /** Every parameter of this group and its descendants, in tree order. */
  get tensors(): readonly Tensor[] {
    if (this.ordered === null) {
      const ordered: Tensor[] = [];
      for (const item of this.items) {
        if (item instanceof ParameterStore) ordered.push(...item.tensors);
        else ordered.push(item);
      }
      this.ordered = ordered;
    }
    return this.ordered;
  }

  get names(): string[] {
    return this.tensors.map((tensor) => tensor.name);
  }

  /** Total number of scalar parameters in this group. */
  get size(): number {
    let total = 0;
    for (const tensor of this.tensors) total += tensor.size;
    return total;
  }

  /** The parameter with this full name, if it belongs to this group. */
  get(name: string): Tensor {
    const tensor = this.root.byName.get(name);
    if (tensor === undefined || !this.tensors.includes(tensor)) {
      throw new ShapeError(`ParameterStore${this.prefix === "" ? "" : ` "${this.prefix}"`}: no parameter named "${name}".${didYouMean(name, this.names)}`);
    }
    return tensor;
  }

  /** "name:shape;…" relative to this group's prefix — equal for two groups of the same architecture. */
  get layoutSignature(): string {
    const strip = this.prefix === "" ? this.unnamedRootPrefixLength() : this.prefix.length + 1;
    return this.tensors.map((tensor) => `${tensor.name.slice(strip)}:${formatShape(tensor.shape)}`).join(";");
  }

  /**
   * This group's values and gradients as contiguous views. The first call anywhere in the tree
   * packs every parameter of the tree (copying current values) and re-points each tensor at its
   * slice; later calls return views of the same blocks.
   */
  flat(): FlatParameters {
    if (this.packed !== null) return this.packed;
    const rootStore = this.rootStore();
    if (this.root.flat === null) rootStore.pack();
    const tensors = this.tensors;
    const block = this.root.flat!;
    if (tensors.length === 0) {
      this.packed = { values: block.values.subarray(0, 0), grads: block.grads.subarray(0, 0) };
      return this.packed;
    }
    const start = tensors[0]!.data.byteOffset - block.values.byteOffset;
    const first = start / Float32Array.BYTES_PER_ELEMENT;
    const length = this.size;
    this.packed = { values: block.values.subarray(first, first + length), grads: block.grads.subarray(first, first + length) };
    return this.packed;
  }

  /** Stops or restarts gradient tracking for every parameter of this group (e.g. frozen targets). */
  setRequiresGrad(requiresGrad: boolean): void {
    for (const tensor of this.tensors) tensor.requiresGrad = requiresGrad;
  }

  private pack(): void {
    const tensors = this.tensors;
    let total = 0;
    for (const tensor of tensors) total += tensor.size;
    const values = this.engine.arena.allocatePersistent(total);
    const grads = this.engine.arena.allocatePersistent(total);
    let offset = 0;
    for (const tensor of tensors) {
      const size = shapeSize(tensor.shape);
      values.set(tensor.data, offset);
      grads.set(tensor.grad!, offset);
      tensor.data = values.subarray(offset, offset + size);
      tensor.grad = grads.subarray(offset, offset + size);
      offset += size;
    }
    this.root.flat = { values, grads };
  }

  private rootStore(): ParameterStore {
    let store: ParameterStore = this;
    while (store.parent !== null) store = store.parent;
    return store;
  }

  private invalidateOrder(): void {
    for (let store: ParameterStore | null = this; store !== null; store = store.parent) store.ordered = null;
  }

  private qualify(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}.${name}`;
  }

  private unnamedRootPrefixLength(): number {
    // An unnamed root whose parameters all start with one first segment ("critic.*") compares
    // equal to another such root ("criticTarget.*").
    const tensors = this.tensors;
    const first = tensors[0];
    if (first === undefined) return 0;
    const root = first.name.split(".")[0]!;
    return tensors.every((tensor) => tensor.name.startsWith(`${root}.`)) ? root.length + 1 : 0;
  }
}
