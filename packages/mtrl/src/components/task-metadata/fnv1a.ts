const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/**
 * The 32-bit FNV-1a hash of `text`'s UTF-8 bytes, as an unsigned integer. Chosen for the hashed
 * text features because it is fixed by its definition (no seed, no platform dependence), so a
 * feature lands in the same bucket in every run and every version.
 */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}
