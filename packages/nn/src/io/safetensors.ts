import { didYouMean } from "@mtrl/core/errors";
import { CheckpointError } from "../errors.js";
import type { ParameterStore } from "../modules/parameter-store.js";
import { formatShape, sameShape, shapeSize } from "../tensor/tensor.js";

/**
 * The safetensors format (https://github.com/huggingface/safetensors), float32 only:
 *
 *   bytes 0..7    N, the header length, unsigned 64-bit little-endian
 *   bytes 8..8+N  UTF-8 JSON: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] },
 *                               "__metadata__": { "<key>": "<string value>" } }
 *                 padded with spaces so the data starts 8-byte aligned
 *   then          the tensors' raw little-endian bytes; offsets are relative to the data start,
 *                 contiguous, in the order written
 *
 * Python reads it with `safetensors.numpy.load_file(path)` or `safetensors.torch.load_file(path)`.
 */

/** A tensor to write: a row-major float32 array and its shape. */
export interface NamedArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A tensor as found in a file. `data` is set only for dtype F32. */
export interface StoredTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | null;
}

export interface DecodedSafetensors {
  readonly tensors: ReadonlyMap<string, StoredTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const bytesPerElement: Readonly<Record<string, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
};

/** Serializes named float32 arrays (in the given order) with string metadata. */
export function encodeSafetensors(tensors: Iterable<readonly [string, NamedArray]>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") throw new CheckpointError(`safetensors metadata values must be strings; "${key}" is ${typeof value}. Use JSON.stringify for structured values.`);
    }
    header["__metadata__"] = metadata;
  }
  const entries: Array<readonly [string, NamedArray]> = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === "__metadata__" || name in header) throw new CheckpointError(`safetensors: tensor name "${name}" is reserved or repeated; names must be unique.`);
    if (shapeSize(tensor.shape) !== tensor.data.length) {
      throw new CheckpointError(`safetensors: "${name}" has shape ${formatShape(tensor.shape)} (${shapeSize(tensor.shape)} values) but ${tensor.data.length} values.`);
    }
    const end = offset + tensor.data.length * 4;
    header[name] = { dtype: "F32", shape: [...tensor.shape], data_offsets: [offset, end] };
    entries.push([name, tensor]);
    offset = end;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const [, tensor] of entries) {
    for (let i = 0; i < tensor.data.length; i++, position += 4) view.setFloat32(position, tensor.data[i]!, true);
  }
  return bytes;
}

/** Parses and validates a safetensors file; throws CheckpointError on any inconsistency. */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) {
    throw new CheckpointError(`safetensors: expected at least 8 bytes (the header length), got ${bytes.length}. The file is truncated or is not a safetensors file.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw new CheckpointError(
      `safetensors: the header claims ${headerLength} bytes but only ${bytes.length - 8} follow the length field. The file is truncated or corrupt; save it again.`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    throw new CheckpointError(`safetensors: the header is not valid UTF-8 JSON (${(error as Error).message}). The file is corrupt or not a safetensors file.`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new CheckpointError(`safetensors: expected the header to be a JSON object, got ${Array.isArray(header) ? "an array" : typeof header}.`);
  }
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = parseMetadata(entry);
      continue;
    }
    const { dtype, shape, begin, end } = parseEntry(name, entry);
    const width = bytesPerElement[dtype];
    if (width === undefined) throw new CheckpointError(`safetensors: "${name}" has unknown dtype "${dtype}"; expected one of ${Object.keys(bytesPerElement).join(", ")}.`);
    if (end - begin !== shapeSize(shape) * width) {
      throw new CheckpointError(
        `safetensors: "${name}" spans ${end - begin} bytes but shape ${formatShape(shape)} of ${dtype} needs ${shapeSize(shape) * width}. The header is corrupt.`,
      );
    }
    if (end > dataLength) {
      throw new CheckpointError(`safetensors: "${name}" ends at byte ${end} of the data but the data has ${dataLength} bytes. The file is truncated; save it again.`);
    }
    spans.push([begin, end, name]);
    let data: Float32Array | null = null;
    if (dtype === "F32") {
      data = new Float32Array(shapeSize(shape));
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + begin + 4 * i, true);
    }
    tensors.set(name, { dtype, shape, data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expected) {
      throw new CheckpointError(`safetensors: "${name}" starts at byte ${begin} but the previous tensor ended at ${expected}; tensors must be contiguous. The header is corrupt.`);
    }
    expected = end;
  }
  return { tensors, metadata };
}

/** The parameters of `store`, by name, as a safetensors file (plus string metadata). */
export function saveParameters(store: ParameterStore, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  return encodeSafetensors(store.tensors.map((tensor) => [tensor.name, tensor] as const), metadata);
}

export interface LoadParametersOptions {
  /** Fail when the file has tensors the model does not (default true). */
  readonly strict?: boolean;
}

/**
 * Copies the tensors of a safetensors file into the store's parameters, after checking that every
 * parameter is present with the same shape and dtype F32. Nothing is written unless all checks pass.
 * Returns the file's metadata.
 */
export function loadParameters(store: ParameterStore, bytes: Uint8Array, options: LoadParametersOptions = {}): Readonly<Record<string, string>> {
  const decoded = decodeSafetensors(bytes);
  const names = store.names;
  for (const parameter of store.tensors) {
    const stored = decoded.tensors.get(parameter.name);
    if (stored === undefined) {
      throw new CheckpointError(
        `checkpoint: expected a tensor named "${parameter.name}" ${formatShape(parameter.shape)}, but the file has none.${didYouMean(parameter.name, decoded.tensors.keys())} ` +
          `Load a checkpoint saved from the same model (parameter names come from the module structure).`,
      );
    }
    if (stored.dtype !== "F32") {
      throw new CheckpointError(`checkpoint: "${parameter.name}" expected dtype F32, got ${stored.dtype}. Convert the tensor to float32 before saving (in PyTorch: tensor.float()).`);
    }
    if (!sameShape(stored.shape, parameter.shape)) {
      throw new CheckpointError(
        `checkpoint: "${parameter.name}" expected shape ${formatShape(parameter.shape)}, got ${formatShape(stored.shape)}. The file was saved from a model with other layer sizes; build the model with the same configuration.`,
      );
    }
  }
  if (options.strict !== false) {
    const known = new Set(names);
    for (const name of decoded.tensors.keys()) {
      if (!known.has(name)) {
        throw new CheckpointError(
          `checkpoint: the file has a tensor "${name}" that is not a parameter of this model.${didYouMean(name, names)} Pass { strict: false } to ignore extra tensors.`,
        );
      }
    }
  }
  for (const parameter of store.tensors) parameter.data.set(decoded.tensors.get(parameter.name)!.data!);
  return decoded.metadata;
}

function parseMetadata(entry: unknown): Record<string, string> {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry) || Object.values(entry).some((value) => typeof value !== "string")) {
    throw new CheckpointError(`safetensors: "__metadata__" must map strings to strings, got ${JSON.stringify(entry)?.slice(0, 120)}.`);
  }
  return entry as Record<string, string>;
}

function parseEntry(name: string, entry: unknown): { dtype: string; shape: number[]; begin: number; end: number } {
  const record = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;
  const valid =
    typeof record === "object" && record !== null &&
    typeof record.dtype === "string" &&
    Array.isArray(record.shape) && record.shape.every(isCount) &&
    Array.isArray(record.data_offsets) && record.data_offsets.length === 2 && record.data_offsets.every(isCount) &&
    (record.data_offsets[0] as number) <= (record.data_offsets[1] as number);
  if (!valid) {
    throw new CheckpointError(
      `safetensors: entry "${name}" must be {dtype: string, shape: int[], data_offsets: [begin, end]} with begin <= end, got ${JSON.stringify(entry)?.slice(0, 160)}. The header is corrupt.`,
    );
  }
  const offsets = record.data_offsets as [number, number];
  return { dtype: record.dtype as string, shape: record.shape as number[], begin: offsets[0], end: offsets[1] };
}
