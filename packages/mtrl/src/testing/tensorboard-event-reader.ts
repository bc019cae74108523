import assert from "node:assert/strict";
import type { MetricsRow } from "../run-folder/metrics.js";

/**
 * A TensorBoard event file reader for tests, written from the format descriptions and not from the
 * writer's code (src/run-folder/tensorboard-events.ts): CRC-32C bit by bit, TFRecord framing with
 * both CRC checks, and a generic protobuf wire-format parser that knows event.proto's and
 * summary.proto's field numbers.
 */

export function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function maskCrc(crc: number): number {
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rotated + 0xa282ead8) % 2 ** 32;
}

/** The data of every record; fails on a bad length CRC, a bad data CRC or trailing bytes. */
export function readTfRecords(file: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < file.length) {
    assert.ok(offset + 12 <= file.length, `record ${records.length}: header cut at byte ${offset}`);
    const lengthBytes = file.subarray(offset, offset + 8);
    const length = Number(lengthBytes.readBigUInt64LE(0));
    assert.equal(file.readUInt32LE(offset + 8), maskCrc(crc32cBitwise(lengthBytes)), `record ${records.length}: length CRC`);
    const dataStart = offset + 12;
    assert.ok(dataStart + length + 4 <= file.length, `record ${records.length}: data cut`);
    const data = file.subarray(dataStart, dataStart + length);
    assert.equal(file.readUInt32LE(dataStart + length), maskCrc(crc32cBitwise(data)), `record ${records.length}: data CRC`);
    records.push(data);
    offset = dataStart + length + 4;
  }
  return records;
}

interface WireField {
  readonly field: number;
  readonly wireType: number;
  /** varint: the number; fixed64/fixed32: the raw bytes; length-delimited: the payload. */
  readonly value: number | Buffer;
}

export function readVarint(bytes: Buffer, start: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let index = start; index < bytes.length; index++) {
    const byte = bytes[index]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: index + 1 };
  }
  assert.fail("varint runs past the end of the message");
}

function parseMessage(bytes: Buffer): WireField[] {
  const fields: WireField[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const key = readVarint(bytes, offset);
    const field = Math.floor(key.value / 8);
    const wireType = key.value % 8;
    offset = key.next;
    if (wireType === 0) {
      const varint = readVarint(bytes, offset);
      fields.push({ field, wireType, value: varint.value });
      offset = varint.next;
    } else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      fields.push({ field, wireType, value: bytes.subarray(offset, offset + size) });
      offset += size;
    } else if (wireType === 2) {
      const length = readVarint(bytes, offset);
      fields.push({ field, wireType, value: bytes.subarray(length.next, length.next + length.value) });
      offset = length.next + length.value;
    } else {
      assert.fail(`unexpected wire type ${wireType} for field ${field}`);
    }
    assert.ok(offset <= bytes.length, `field ${field} runs past the end of the message`);
  }
  return fields;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion: string | null;
  values: { tag: string; value: number }[] | null;
}

/** event.proto: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5. */
export function decodeEvent(bytes: Buffer): DecodedEvent {
  const event: DecodedEvent = { wallTime: 0, step: 0, fileVersion: null, values: null };
  for (const { field, wireType, value } of parseMessage(bytes)) {
    if (field === 1) {
      assert.equal(wireType, 1, "wall_time is a double");
      event.wallTime = (value as Buffer).readDoubleLE(0);
    } else if (field === 2) {
      assert.equal(wireType, 0, "step is a varint");
      event.step = value as number;
    } else if (field === 3) {
      assert.equal(wireType, 2, "file_version is a string");
      event.fileVersion = (value as Buffer).toString("utf8");
    } else if (field === 5) {
      assert.equal(wireType, 2, "summary is a message");
      event.values = decodeSummary(value as Buffer);
    } else {
      assert.fail(`unexpected Event field ${field}`);
    }
  }
  return event;
}

/** summary.proto: Summary.value = 1 (repeated Value); Value.tag = 1 (string), Value.simple_value = 2 (float). */
function decodeSummary(bytes: Buffer): { tag: string; value: number }[] {
  return parseMessage(bytes).map(({ field, wireType, value }) => {
    assert.equal(field, 1, "Summary has only value = 1");
    assert.equal(wireType, 2);
    let tag: string | undefined;
    let simpleValue: number | undefined;
    for (const inner of parseMessage(value as Buffer)) {
      if (inner.field === 1 && inner.wireType === 2) tag = (inner.value as Buffer).toString("utf8");
      else if (inner.field === 2 && inner.wireType === 5) simpleValue = (inner.value as Buffer).readFloatLE(0);
      else assert.fail(`unexpected Value field ${inner.field} (wire type ${inner.wireType})`);
    }
    assert.ok(tag !== undefined && simpleValue !== undefined, "a Value has a tag and a simple_value");
    return { tag, value: simpleValue };
  });
}

/** Asserts that the event file holds the file-version event, then exactly one event per row with the row's scalars. */
export function assertEventFileMatchesRows(eventFile: Buffer, rows: readonly MetricsRow[]): void {
  const events = readTfRecords(eventFile).map(decodeEvent);
  assert.equal(events.length, rows.length + 1, "one event per metrics row after the file-version event");
  assert.deepEqual(events[0], { wallTime: 0, step: 0, fileVersion: "brain.Event:2", values: null });
  rows.forEach((row, index) => {
    const event = events[index + 1]!;
    assert.equal(event.fileVersion, null);
    assert.equal(event.step, row.step, `event ${index + 1}: step`);
    assert.equal(event.wallTime, row.step, `event ${index + 1}: wall_time holds the step`);
    const expected = Object.entries(row)
      .filter(([key]) => key !== "kind" && key !== "step")
      .map(([tag, value]) => ({ tag, value: Math.fround(value as number) }));
    assert.deepEqual(event.values, expected, `event ${index + 1} (${row.kind} row at step ${row.step}): scalars`);
  });
}
