import { maskedCrc32c } from "./crc32c.js";

/**
 * TFRecord framing, the container of TensorBoard event files. Each record is
 *
 *   uint64  length of the data, little-endian
 *   uint32  masked CRC-32C of those 8 length bytes
 *   bytes   data
 *   uint32  masked CRC-32C of the data
 *
 * and records follow each other with nothing in between.
 */

/** Bytes of a record around `data` bytes of payload. */
export const RECORD_OVERHEAD = 16;

/** One framed record holding `data`. */
export function frameRecord(data: Uint8Array): Buffer {
  const record = Buffer.alloc(data.length + RECORD_OVERHEAD);
  record.writeBigUInt64LE(BigInt(data.length), 0);
  record.writeUInt32LE(maskedCrc32c(record.subarray(0, 8)), 8);
  record.set(data, 12);
  record.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return record;
}
