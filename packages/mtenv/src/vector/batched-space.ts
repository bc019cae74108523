import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Box } from "../spaces/box.js";
import { DictSpace } from "../spaces/dict.js";
import { Discrete } from "../spaces/discrete.js";
import { spaceFromJSON } from "../spaces/from-json.js";
import { MultiBinary } from "../spaces/multi-binary.js";
import { MultiDiscrete } from "../spaces/multi-discrete.js";
import { Space, type BoxDtype, type FlatArray, type SpaceJSON } from "../spaces/space.js";

/**
 * `count` members of `single`, each flattened into one row of a Float32Array (a Uint8Array when
 * every slot of `single` is a byte, e.g. pixels) — the layout of the vector envs' observation and
 * action buffers. Sampling draws every row from its own copy of the
 * single space (so a Discrete row is always an integer, which a plain Box could not promise) and
 * `contains` checks every row against the single space.
 */
export class BatchedSpace<A extends FlatArray = Float32Array> extends Space<A> {
  /** Elements per row: `single.flatSize`. */
  readonly rowSize: number;
  private readonly rows: Space<unknown>[];

  constructor(
    readonly single: Space<unknown>,
    readonly count: number,
    /** The rows' element type: float32 (always for actions), or the single space's flatDtype for observations. */
    readonly dtype: BoxDtype = "float32",
  ) {
    super();
    if (dtype === "uint8" && single.flatDtype !== "uint8") {
      throw new InvalidSpaceError(`A uint8 BatchedSpace needs a single space whose every slot is a byte, got ${single.toString()}. Use dtype "float32".`);
    }
    if (!Number.isInteger(count) || count <= 0) {
      throw new InvalidSpaceError(`BatchedSpace count must be a positive integer, got ${describeValue(count)}.`);
    }
    this.rowSize = single.flatSize;
    // Independent copies so that sampling the batch never advances the single space's stream.
    this.rows = Array.from({ length: count }, () => spaceFromJSON(single.toJSON()));
    this.seed(0);
  }

  override seed(seed: number): void {
    super.seed(seed);
    const root = Rng.fromSeed(seed, "batched-space");
    this.rows.forEach((row, i) => row.seed(root.stream(String(i)).nextUint32()));
  }

  get flatSize(): number {
    return this.count * this.rowSize;
  }

  override get flatDtype(): BoxDtype {
    return this.dtype;
  }

  sample(): A {
    const out = this.dtype === "uint8" ? new Uint8Array(this.flatSize) : new Float32Array(this.flatSize);
    this.rows.forEach((row, i) => row.flattenInto(row.sample(), out, i * this.rowSize));
    return out as A;
  }

  contains(value: unknown): value is A {
    return this.explainMismatch(value) === undefined;
  }

  explainMismatch(value: unknown): string | undefined {
    const arrayType = this.dtype === "uint8" ? Uint8Array : Float32Array;
    if (!(value instanceof arrayType)) {
      return `expected a ${arrayType.name} of ${this.count} rows × ${this.rowSize} = ${this.flatSize} elements, got ${describeValue(value)}`;
    }
    if (value.length !== this.flatSize) {
      return `expected ${this.count} rows × ${this.rowSize} = ${this.flatSize} elements, got ${value.length}`;
    }
    for (let i = 0; i < this.count; i++) {
      const reason = this.single.explainMismatch(this.single.unflatten(value, i * this.rowSize));
      if (reason !== undefined) return `row ${i}: ${reason}`;
    }
    return undefined;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof BatchedSpace && other.count === this.count && other.dtype === this.dtype && other.single.equals(this.single);
  }

  /**
   * SpaceJSON has no batched kind, so the JSON form is the equivalent flat Box [count, rowSize]
   * with each slot's bounds; it loses only the integrality of discrete slots.
   */
  toJSON(): SpaceJSON {
    const { low, high } = flatBounds(this.single);
    const tile = (row: Float32Array): Array<number | string> =>
      Array.from({ length: this.flatSize }, (_, k) => encodeBound(row[k % this.rowSize]!));
    const json: SpaceJSON = { type: "box", shape: [this.count, this.rowSize], low: tile(low), high: tile(high) };
    return this.flatDtype === "uint8" ? { ...json, dtype: "uint8" } : json;
  }

  flattenInto(value: A, out: FlatArray, offset: number): void {
    out.set(value, offset);
  }

  unflatten(flat: FlatArray, offset: number): A {
    const slots = flat.subarray(offset, offset + this.flatSize);
    return (this.dtype === "uint8" ? Uint8Array.from(slots) : Float32Array.from(slots)) as A;
  }

  /** Row `index` as a member of the single space. */
  row(value: FlatArray, index: number): unknown {
    return this.single.unflatten(value, index * this.rowSize);
  }
}

/** Per-slot bounds of a space's flat layout (Discrete → [start, start+n-1], Dict → keys in order). */
export function flatBounds(space: Space<unknown>): { low: Float32Array; high: Float32Array } {
  const low = new Float32Array(space.flatSize);
  const high = new Float32Array(space.flatSize);
  fillBounds(space, low, high, 0);
  return { low, high };
}

function fillBounds(space: Space<unknown>, low: Float32Array, high: Float32Array, offset: number): void {
  if (space instanceof Box) {
    low.set(space.low, offset);
    high.set(space.high, offset);
  } else if (space instanceof Discrete) {
    low[offset] = space.start;
    high[offset] = space.start + space.n - 1;
  } else if (space instanceof MultiDiscrete) {
    space.nvec.forEach((n, i) => {
      low[offset + i] = 0;
      high[offset + i] = n - 1;
    });
  } else if (space instanceof MultiBinary) {
    high.fill(1, offset, offset + space.n);
  } else if (space instanceof DictSpace) {
    let at = offset;
    for (const key of space.keys) {
      const sub = space.spaces[key] as Space<unknown>;
      fillBounds(sub, low, high, at);
      at += sub.flatSize;
    }
  } else {
    throw new InvalidSpaceError(`Cannot batch a space of kind ${space.constructor.name}; expected Box, Discrete, MultiDiscrete, MultiBinary or Dict.`);
  }
}

function encodeBound(value: number): number | string {
  return Number.isFinite(value) ? value : value > 0 ? "inf" : "-inf";
}
