import { KernelArgumentError } from "./kernel-errors.js";

const pageBytes = 65536;
/** 4 GiB, the most a wasm32 memory can address; see WasmArena for why reserving it is cheap. */
export const maximumPages = 65536;
/** Allocations start on a cache line so SIMD rows and thread-private data never share one. */
const alignmentBytes = 64;

/**
 * The WASM backend's linear memory and a bump allocator over it.
 *
 * Why a *shared* memory with a maximum: `allocate` promises Float32Array views that are never
 * detached. Growing an ordinary WebAssembly.Memory detaches its ArrayBuffer, and with it every
 * tensor view made so far. A shared memory reserves its maximum address range up front and grows
 * in place, so a grow only makes a new, longer SharedArrayBuffer over the same bytes and old
 * views stay valid. The reservation is virtual address space (64-bit V8 reserves 8 GiB per
 * memory anyway, for bounds-check-free guard regions); pages are committed as they are touched.
 * Sharing is also what lets a worker thread run GEMM over the same tensors.
 *
 * The alternative, one large non-shared initial memory, would commit a guess of the model size
 * up front and still fail past it; this way the arena grows to whatever the models need.
 *
 * Memory is never freed: tensors live in a preallocated arena for the whole training run, so a
 * bump allocator is all that is needed.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private top: number;
  /** Every SharedArrayBuffer object our views were made over (one per grow). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  constructor(memory: WebAssembly.Memory, heapBase: number) {
    this.memory = memory;
    this.top = alignUp(heapBase, alignmentBytes);
    this.buffers.add(memory.buffer);
  }

  static createMemory(initialBytes: number): WebAssembly.Memory {
    return new WebAssembly.Memory({
      initial: Math.ceil(initialBytes / pageBytes),
      maximum: maximumPages,
      shared: true,
    });
  }

  /** Bytes handed out so far, including the linker's reserved region below the heap. */
  get bytesUsed(): number {
    return this.top;
  }

  /** `length` zeroed floats (fresh memory is zero, and memory is never reused). */
  allocate(length: number): Float32Array {
    if (!Number.isInteger(length) || length < 0) {
      throw new KernelArgumentError(`allocate: length must be a non-negative integer, got ${length}.`);
    }
    const start = this.top;
    const end = start + length * 4;
    this.ensureBytes(end);
    this.top = alignUp(end, alignmentBytes);
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Float32Array(buffer, start, length);
  }

  /**
   * `block` lengthened to `length` floats when it is the last allocation (its end is the top):
   * the memory after it has never been handed out, so it is zero. Otherwise null.
   */
  growInPlace(block: Float32Array, length: number): Float32Array | null {
    if (!this.owns(block) || !Number.isInteger(length) || length < block.length) return null;
    if (alignUp(block.byteOffset + block.byteLength, alignmentBytes) !== this.top) return null;
    const end = block.byteOffset + length * 4;
    this.ensureBytes(end);
    this.top = alignUp(end, alignmentBytes);
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return new Float32Array(buffer, block.byteOffset, length);
  }

  /** Whether `view` lies in this memory, i.e. compiled code can address it by `byteOffset`. */
  owns(view: Float32Array): boolean {
    return this.buffers.has(view.buffer);
  }

  private ensureBytes(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / pageBytes);
    // Grow by at least 1/8 of the current size so many small allocations grow rarely.
    const step = Math.max(pages, Math.ceil(have / pageBytes / 8));
    const current = have / pageBytes;
    const wanted = Math.min(maximumPages, current + step);
    if (current + pages > maximumPages) {
      throw new KernelArgumentError(
        `allocate: the WASM arena would need ${((end / 2 ** 30)).toFixed(2)} GiB, over the 4 GiB a wasm32 memory can address. ` +
          "Use smaller batches or buffers, or MTRL_BACKEND=native (which allocates ordinary memory).",
      );
    }
    this.memory.grow(wanted - current);
  }
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
