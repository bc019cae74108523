import { InvalidSpaceError, describeValue } from "../core/errors.js";
import { Rng } from "../core/rng.js";
import { Space, type BoxDtype, type FlatArray, type SpaceJSON } from "./space.js";

/** Maps each key of a spaces record to that space's member type. */
export type DictValue<S extends Record<string, Space<unknown>>> = { [K in keyof S]: S[K] extends Space<infer T> ? T : never };

/** A record of named subspaces; members are plain objects with exactly those keys. */
export class DictSpace<S extends Record<string, Space<unknown>>> extends Space<DictValue<S>> {
  readonly spaces: Readonly<S>;
  readonly keys: readonly (keyof S & string)[];

  constructor(spaces: S) {
    super();
    const keys = Object.keys(spaces);
    if (keys.length === 0) throw new InvalidSpaceError("Dict space needs at least one subspace, got {}.");
    for (const key of keys) {
      if (!(spaces[key] instanceof Space)) {
        throw new InvalidSpaceError(`Dict subspace "${key}" must be a Space, got ${describeValue(spaces[key])}.`);
      }
    }
    this.spaces = Object.freeze({ ...spaces });
    // Insertion order is the layout order of flattenInto.
    this.keys = Object.freeze(keys as (keyof S & string)[]);
  }

  override seed(seed: number): void {
    super.seed(seed);
    const root = Rng.fromSeed(seed, "dict-space");
    for (const key of this.keys) this.spaces[key]!.seed(root.stream(key).nextUint32());
  }

  sample(): DictValue<S> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys) out[key] = this.spaces[key]!.sample();
    return out as DictValue<S>;
  }

  contains(value: unknown): value is DictValue<S> {
    return this.explainMismatch(value) === undefined;
  }

  explainMismatch(value: unknown): string | undefined {
    if (typeof value !== "object" || value === null) return `expected an object with keys ${this.keys.join(", ")}, got ${describeValue(value)}`;
    const record = value as Record<string, unknown>;
    for (const key of this.keys) {
      if (!(key in record)) return `missing key "${key}"`;
      const reason = this.spaces[key]!.explainMismatch(record[key]);
      if (reason !== undefined) return `at "${key}": ${reason}`;
    }
    const extra = Object.keys(record).filter((key) => !(key in this.spaces));
    return extra.length > 0 ? `unexpected keys ${extra.join(", ")}` : undefined;
  }

  equals(other: Space<unknown>): boolean {
    if (!(other instanceof DictSpace) || other.keys.length !== this.keys.length) return false;
    return this.keys.every((key) => key in other.spaces && this.spaces[key]!.equals(other.spaces[key] as Space<unknown>));
  }

  toJSON(): SpaceJSON {
    const spaces: Record<string, SpaceJSON> = {};
    for (const key of this.keys) spaces[key] = this.spaces[key]!.toJSON();
    return { type: "dict", spaces };
  }

  override get flatDtype(): BoxDtype {
    return this.keys.every((key) => this.spaces[key]!.flatDtype === "uint8") ? "uint8" : "float32";
  }

  get flatSize(): number {
    return this.keys.reduce((total, key) => total + this.spaces[key]!.flatSize, 0);
  }

  flattenInto(value: DictValue<S>, out: FlatArray, offset: number): void {
    let at = offset;
    for (const key of this.keys) {
      const space = this.spaces[key]!;
      space.flattenInto(value[key], out, at);
      at += space.flatSize;
    }
  }

  unflatten(flat: FlatArray, offset: number): DictValue<S> {
    const out: Record<string, unknown> = {};
    let at = offset;
    for (const key of this.keys) {
      const space = this.spaces[key]!;
      out[key] = space.unflatten(flat, at);
      at += space.flatSize;
    }
    return out as DictValue<S>;
  }
}
