import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";

/**
 * The size and SHA-256 of a file as it was written. A checkpoint records one for every file it
 * depends on, so that a reader can tell a file cut short by a full disk, or altered afterwards,
 * from the one that was saved.
 */
export interface FileDigest {
  readonly bytes: number;
  /** Lowercase hex. */
  readonly sha256: string;
}

/** How far `fileDamage` looks: sizes only (a stat, cheap enough for every save) or sizes and hashes. */
export type DigestCheck = "size" | "size-and-hash";

const READ_BLOCK = 1 << 20;

export function digestBytes(bytes: Uint8Array): FileDigest {
  return { bytes: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Digest of the file at `path`, read in blocks so that large files are never held in memory whole. */
export function digestFile(path: string): FileDigest {
  const hash = createHash("sha256");
  const block = new Uint8Array(READ_BLOCK);
  const fd = openSync(path, "r");
  let bytes = 0;
  try {
    for (;;) {
      const read = readSync(fd, block, 0, block.byteLength, null);
      if (read === 0) break;
      hash.update(block.subarray(0, read));
      bytes += read;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** Whether a value parsed from JSON is a well-formed digest. */
export function isFileDigest(value: unknown): value is FileDigest {
  if (typeof value !== "object" || value === null) return false;
  const { bytes, sha256 } = value as Record<string, unknown>;
  return Number.isSafeInteger(bytes) && (bytes as number) >= 0 && typeof sha256 === "string" && /^[0-9a-f]{64}$/.test(sha256);
}

/**
 * What is wrong with the file at `path` compared with `expected`, as a phrase that starts with the
 * path and gives expected and found values; undefined when it matches. `found` is the digest of
 * bytes the caller already read (so that they are read once); otherwise the file is read here.
 */
export function fileDamage(path: string, expected: FileDigest, check: DigestCheck = "size-and-hash", found?: FileDigest): string | undefined {
  if (found === undefined && !existsSync(path)) return `${path} is missing (expected ${expected.bytes} bytes)`;
  const size = found?.bytes ?? statSync(path).size;
  if (size !== expected.bytes) {
    return `${path} has ${size} bytes, expected ${expected.bytes}${size < expected.bytes ? " (truncated, e.g. by a full disk)" : ""}`;
  }
  if (check === "size") return undefined;
  const sha256 = (found ?? digestFile(path)).sha256;
  if (sha256 !== expected.sha256) {
    return `${path} has SHA-256 ${sha256}, expected ${expected.sha256} (right size, but its bytes changed after it was written)`;
  }
  return undefined;
}
