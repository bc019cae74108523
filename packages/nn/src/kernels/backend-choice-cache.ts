import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { ConfigError } from "@mtrl/core/errors";
import type { BlasIdentity } from "./blas-identity.js";
import type { BackendName } from "./kernels.js";

/**
 * What a measured backend choice depends on. Any change measures again: another BLAS (path,
 * size, version, core), another CPU, other thread settings, another Node (its wasm compiler) or
 * another version of this package (its kernels), or another set of backends that loaded.
 */
export interface MachineKey {
  readonly blas: BlasIdentity | null;
  readonly cpuModel: string;
  readonly cpuCount: number;
  /** Threads each measured backend ran with (native: -1 when the BLAS threads itself). */
  readonly threads: Readonly<Partial<Record<BackendName, number>>>;
  readonly node: string;
  readonly packageVersion: string;
  /** Bumped when the timed GEMM set changes, so old timings are not compared with new ones. */
  readonly gemmSet: number;
}

/** One cache file: the key it was measured under and what was measured. */
export interface CachedChoice {
  readonly format: 1;
  readonly key: MachineKey;
  readonly choice: BackendName;
  /** Median ms of one GEMM set per backend. */
  readonly medianMs: Readonly<Partial<Record<BackendName, number>>>;
  /** Wall time of the whole measurement. */
  readonly measurementMs: number;
  /** ISO date and time of the measurement. */
  readonly measuredAt: string;
}

/**
 * The folder for mtrl's caches: MTRL_CACHE_DIR, else $XDG_CACHE_HOME/mtrl, else ~/.cache/mtrl.
 * MTRL_CACHE_DIR must be absolute: a relative one would scatter caches over working directories.
 */
export function cacheDirectory(env: Record<string, string | undefined>): string {
  const override = env["MTRL_CACHE_DIR"];
  if (override !== undefined && override !== "") {
    if (!isAbsolute(override)) {
      throw new ConfigError(
        `MTRL_CACHE_DIR must be an absolute path (the folder mtrl keeps its caches in), got ${JSON.stringify(override)}. ` +
          `Give a full path, e.g. MTRL_CACHE_DIR=${join(homedir(), ".cache", "mtrl")}, or unset it for the default.`,
      );
    }
    return override;
  }
  const xdg = env["XDG_CACHE_HOME"];
  // The XDG spec says to ignore a relative XDG_CACHE_HOME.
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
  return join(base, "mtrl");
}

/** One file per key, so switching between two BLAS libraries keeps both measurements. */
export function cacheFile(directory: string, key: MachineKey): string {
  const digest = createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 16);
  return join(directory, `backend-choice-${digest}.json`);
}

/** The outcome of reading a cache file: absent (never measured) is not an error, unreadable is. */
export type CacheRead =
  | { readonly kind: "hit"; readonly entry: CachedChoice }
  | { readonly kind: "absent" }
  | { readonly kind: "unreadable"; readonly why: string };

/** Reads `file` and checks it holds a choice measured under `key` among `backends`. */
export function readCachedChoice(file: string, key: MachineKey, backends: readonly BackendName[]): CacheRead {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    // Nothing there (ENOTDIR: the folder's path is a file; writing will say so).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { kind: "absent" };
    return { kind: "unreadable", why: (error as Error).message };
  }
  let entry: CachedChoice;
  try {
    entry = JSON.parse(text) as CachedChoice;
  } catch (error) {
    return { kind: "unreadable", why: `not JSON: ${(error as Error).message}` };
  }
  if (typeof entry !== "object" || entry === null || entry.format !== 1) return { kind: "unreadable", why: "not a format-1 backend choice" };
  if (JSON.stringify(entry.key) !== JSON.stringify(key)) return { kind: "unreadable", why: "its key does not match its file name" };
  if (!backends.includes(entry.choice)) return { kind: "unreadable", why: `its choice ${JSON.stringify(entry.choice)} is not one of ${backends.join(", ")}` };
  const timings = backends.map((name) => entry.medianMs?.[name]);
  if (!timings.every((ms) => typeof ms === "number" && Number.isFinite(ms) && ms >= 0)) return { kind: "unreadable", why: "a timing is missing or negative" };
  if (typeof entry.measuredAt !== "string") return { kind: "unreadable", why: "measuredAt is missing" };
  return { kind: "hit", entry };
}

/**
 * Writes `entry` to `file` atomically: a temporary file in the same folder, then a rename, so a
 * process reading meanwhile (another seed starting) sees the old file or the new one, never half.
 */
export function writeCachedChoice(file: string, entry: CachedChoice): void {
  mkdirSync(join(file, ".."), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(entry, null, 2)}\n`);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
