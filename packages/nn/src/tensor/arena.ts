import type { Kernels } from "../kernels/kernels.js";

/** Offsets are rounded up to 16 floats (64 bytes, a cache line) so SIMD rows start aligned. */
const alignmentFloats = 16;
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

/** One step-scoped allocation remembered from earlier steps, so its view can be handed out again. */
interface Slot {
  block: number;
  offset: number;
  length: number;
  view: Float32Array;
}

/**
 * All tensor memory, taken from `kernels.allocate` in large blocks and handed out by bumping an
 * offset. Two regions:
 * - persistent: parameters, their gradients, optimizer state — never freed;
 * - transient (step-scoped): activations and intermediate gradients. `reset()` at the start of a
 *   training step rewinds it, `mark()`/`release()` rewind part of it within a step.
 *
 * A training step makes the same allocations in the same order every time, so after the first
 * step every transient request fits in blocks that already exist. The arena also remembers the
 * view it returned for the k-th request of a step and returns the very same Float32Array when the
 * k-th request of a later step lands at the same place: no new typed-array objects either.
 */
export class Arena {
  private readonly persistentBlocks: Float32Array[] = [];
  private persistentOffset = 0;
  private readonly transientBlocks: Float32Array[] = [];
  private transientBlock = 0;
  private transientOffset = 0;
  private readonly slots: Slot[] = [];
  private slotCursor = 0;
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
        this.transientBlocks.push(this.newBlock(Math.max(size, this.blockFloats)));
        this.transientOffset = 0;
        continue;
      }
      if (this.transientOffset + size <= block.length) break;
      this.transientBlock++;
      this.transientOffset = 0;
    }
    const blockIndex = this.transientBlock;
    const offset = this.transientOffset;
    this.transientOffset += size;
    this.trackHighWater();
    const cursor = this.slotCursor++;
    const slot = this.slots[cursor];
    if (slot !== undefined && slot.block === blockIndex && slot.offset === offset && slot.length === length) {
      return slot.view;
    }
    const view = this.transientBlocks[blockIndex]!.subarray(offset, offset + length);
    this.transientViewsCreated++;
    this.slots[cursor] = { block: blockIndex, offset, length, view };
    return view;
  }

  /** Rewinds all step-scoped memory: every transient view handed out so far becomes stale. */
  reset(): void {
    this.transientBlock = 0;
    this.transientOffset = 0;
    this.slotCursor = 0;
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
