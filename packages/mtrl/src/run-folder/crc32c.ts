/**
 * CRC-32C (Castagnoli), the checksum of TFRecord files, and TFRecord's "masked" form of it.
 *
 * TFRecord masks every CRC it stores (rotate right by 15, add a constant) because computing the CRC
 * of data that itself contains CRCs gives degenerate results; readers compare masked values.
 */

/** The reflected Castagnoli polynomial. */
const POLYNOMIAL = 0x82f63b78;
const MASK_DELTA = 0xa282ead8;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
})();

/** CRC-32C of `bytes` (crc32c("123456789") = 0xe3069283). */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let index = 0; index < bytes.length; index++) crc = TABLE[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The masked CRC-32C stored in TFRecord files. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}
