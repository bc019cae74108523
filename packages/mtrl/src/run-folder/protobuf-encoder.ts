/**
 * Just enough of the protocol buffers wire format to write TensorBoard events by hand: varints,
 * 64-bit doubles, 32-bit floats and length-delimited fields (strings and nested messages).
 *
 * A field is a key `(fieldNumber << 3) | wireType` as a varint, then its payload:
 *   wire type 0  varint (int64 is the two's complement value; only non-negative ones here)
 *   wire type 1  8 bytes little-endian (double)
 *   wire type 2  varint length, then that many bytes (string as UTF-8, or an encoded message)
 *   wire type 5  4 bytes little-endian (float)
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Builds one encoded message, field by field, in the order the fields are added. */
export class ProtobufEncoder {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  /** A `double` field. */
  double(field: number, value: number): this {
    this.key(field, WIRE_FIXED64);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.push(bytes);
  }

  /** A `float` field; the value is rounded to 32 bits. */
  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.push(bytes);
  }

  /** An `int64` field holding a non-negative integer up to 2^53 - 1. */
  int64(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    return this.push(encodeVarint(value));
  }

  /** A `string` field (UTF-8). */
  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  /** A nested message (or `bytes`) field. */
  bytes(field: number, payload: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.push(encodeVarint(payload.length));
    return this.push(payload);
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private key(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 536_870_911) throw new RangeError(`A protobuf field number must be an integer in [1, 2^29 - 1], got ${field}.`);
    this.push(encodeVarint(field * 8 + wireType));
  }

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.size += bytes.length;
    return this;
  }
}

/** Base-128 varint, least significant group first; arithmetic (not bit operators) so values above 2^31 work. */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`A varint here must be a non-negative safe integer, got ${value}.`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}
