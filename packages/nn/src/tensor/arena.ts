import type { Kernels } from "../kernels/kernels.js";

/** Offsets are rounded up to 16 floats (64 bytes, a cache line) so SIMD rows start aligned. */
const alignmentFloats = 16;
/**
 * Bounds of the view cache: an update's phases put a few lengths at one place; more than that,
 * or more places than any fixed step makes, means shapes that vary from step to step, and the
 * cache starts over rather than grow.
 */
const maxLengthsPerPlace = 8;
const maxCachedPlaces = 1 << 16;
/** Default size of one block asked from the kernels: 4 Mi floats (16 MiB). */
const defaultBlockFloats = 1 << 22;

/** How much memory the arena asked the kernels for, to prove the hot loop allocates nothing. */
export interface ArenaStats {
  /** Calls to `kernels.allocate` so far (both regions). */
  readonly kernelAllocations: number;
  /** Floats in persistent blocks (parameters, gradients, optimizer state). */
  readonly persistentCapacity: number;
  /** Floats in step-scoped blocks (activations and their gradients). */
  readonly transientCapacity: number;
  /** The most step-scoped floats in use at once since construction. */
  readonly transientHighWater: number;
  /** Typed-array views created for step-scoped memory (zero per step after warm-up). */
  readonly transientViewsCreated: number;
}

/**
 * All tensor memory, taken from `kernels.allocate` in large blocks and handed out by bumping an
 * offset. Two regions:
 * - persistent: parameters, their gradients, optimizer state — never freed;
 * - transient (step-scoped): activations and intermediate gradients. `reset()` at the start of a
 *   training step rewinds it, `mark()`/`release()` rewind part of it within a step.
 *
 * The transient region is one block that grows in place (`kernels.allocateGrowable` /
 * `growInPlace`: native and wasm), so its size is the step's real peak whatever the order of the
 * requests; on the js backend, and past a wasm block that is no longer the last allocation, it
 * continues in further blocks, and a request that does not fit a block's tail skips it.
 *
 * A training step makes the same allocations in the same order every time, so after the first
 * step every transient request fits in the memory that already exists. The arena also remembers the
 * view it returned for each place and length and returns the very same Float32Array when a later
 * request lands there: no new typed-array objects either.
 */
export class Arena {
  private readonly persistentBlocks: Float32Array[] = [];
  private persistentOffset = 0;
  private readonly transientBlocks: Float32Array[] = [];
  private transientBlock = 0;
  private transientOffset = 0;
  /**
   * Views handed out before, by place (block · 2^32 + offset) and then length. Keyed by place and
   * not by request number: an agent's update is several steps (critic, actor, decoder) whose k-th
   * requests differ, and a per-request cache would make new views at every phase.
   */
  private readonly views = new Map<number, Map<number, Float32Array>>();
  private kernelAllocations = 0;
  private transientHighWater = 0;
  private transientViewsCreated = 0;
  /** Incremented by every `reset()`; tensors remember it to detect use after recycling. */
  generation = 0;

  constructor(
    readonly kernels: Kernels,
    private readonly blockFloats = defaultBlockFloats,
  ) {}

  /** Memory that lives as long as the arena. */
  allocatePersistent(length: number): Float32Array {
    const size = alignUp(length);
    let block = this.persistentBlocks[this.persistentBlocks.length - 1];
    if (block === undefined || this.persistentOffset + size > block.length) {
      block = this.newBlock(Math.max(size, this.blockFloats));
      this.persistentBlocks.push(block);
      this.persistentOffset = 0;
    }
    const view = block.subarray(this.persistentOffset, this.persistentOffset + length);
    this.persistentOffset += size;
    return view;
  }

  /** Memory valid until the next `reset()` (or a `release()` to a mark taken before it). */
  allocateTransient(length: number): Float32Array {
    const size = alignUp(length);
    while (true) {
      const block = this.transientBlocks[this.transientBlock];
      if (block === undefined) {
        const first = this.transientBlocks.length === 0;
        this.transientBlocks.push(first ? this.newGrowableBlock(Math.max(size, this.blockFloats)) : this.newBlock(Math.max(size, this.blockFloats)));
        this.transientOffset = 0;
        continue;
      }
      if (this.transientOffset + size <= block.length) break;
      // The last block grows where the backend can: a chain of blocks wastes the tail of every
      // block that the next request skips, and a later phase of the step (the decoder after the
      // critic) skips blocks sized for an earlier one.
      if (this.transientBlock === this.transientBlocks.length - 1 && this.grow(this.transientOffset + size)) break;
      this.transientBlock++;
      this.transientOffset = 0;
    }
    const blockIndex = this.transientBlock;
    const offset = this.transientOffset;
    this.transientOffset += size;
    this.trackHighWater();
    const place = blockIndex * 4294967296 + offset;
    let atPlace = this.views.get(place);
    if (atPlace === undefined) {
      // Steps whose shapes vary (per-task row counts) would otherwise fill the cache without end.
      if (this.views.size >= maxCachedPlaces) this.views.clear();
      atPlace = new Map();
      this.views.set(place, atPlace);
    }
    const known = atPlace.get(length);
    if (known !== undefined) return known;
    if (atPlace.size >= maxLengthsPerPlace) atPlace.clear();
    // A view made before the block grew still addresses the same memory, so it stays valid.
    const view = this.transientBlocks[blockIndex]!.subarray(offset, offset + length);
    this.transientViewsCreated++;
    atPlace.set(length, view);
    return view;
  }

  /** Rewinds all step-scoped memory: every transient view handed out so far becomes stale. */
  reset(): void {
    this.transientBlock = 0;
    this.transientOffset = 0;
    this.generation++;
  }

  /** A position in the step-scoped region to `release()` back to later in the same step. */
  mark(): number {
    // Encoded as block * 2^32 + offset: exact in a double for any realistic block count.
    return this.transientBlock * 4294967296 + this.transientOffset;
  }

  /** Frees every step-scoped allocation made after `mark`, for reuse by later ones in this step. */
  release(mark: number): void {
    this.transientBlock = Math.floor(mark / 4294967296);
    this.transientOffset = mark % 4294967296;
  }

  stats(): ArenaStats {
    return {
      kernelAllocations: this.kernelAllocations,
      persistentCapacity: sumLengths(this.persistentBlocks),
      transientCapacity: sumLengths(this.transientBlocks),
      transientHighWater: this.transientHighWater,
      transientViewsCreated: this.transientViewsCreated,
    };
  }

  private newBlock(length: number): Float32Array {
    this.kernelAllocations++;
    return this.kernels.allocate(length);
  }

  private newGrowableBlock(length: number): Float32Array {
    this.kernelAllocations++;
    return this.kernels.allocateGrowable(length);
  }

  /** Lengthens the last step-scoped block to `length` floats in place; false if the backend cannot. */
  private grow(length: number): boolean {
    const last = this.transientBlocks.length - 1;
    const grown = this.kernels.growInPlace(this.transientBlocks[last]!, length);
    if (grown === null) return false;
    this.kernelAllocations++;
    this.transientBlocks[last] = grown;
    return true;
  }

  private trackHighWater(): void {
    let used = this.transientOffset;
    for (let i = 0; i < this.transientBlock; i++) used += this.transientBlocks[i]!.length;
    if (used > this.transientHighWater) this.transientHighWater = used;
  }
}

function alignUp(length: number): number {
  return Math.ceil(Math.max(length, 1) / alignmentFloats) * alignmentFloats;
}

function sumLengths(blocks: readonly Float32Array[]): number {
  let total = 0;
  for (const block of blocks) total += block.length;
  return total;
}
