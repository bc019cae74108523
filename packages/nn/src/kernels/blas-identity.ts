import { readFileSync, realpathSync, statSync } from "node:fs";
import { basename } from "node:path";

/**
 * Which BLAS the native backend runs on, as far as can be told without calling into it: the file
 * the dynamic linker actually mapped, its size, and the family and version its name reveals.
 * Backend choices are cached under this identity, so a BLAS that is upgraded, swapped by
 * update-alternatives or chosen with MTRL_BLAS_LIBRARY is measured again.
 */
export interface BlasIdentity {
  /** The name or path dlopen accepted (e.g. "libopenblas.so.0"). */
  readonly loadedAs: string;
  /** The mapped file, symlinks resolved (e.g. ".../openblas-pthread/libopenblasp-r0.3.21.so"); `loadedAs` where unknown. */
  readonly path: string;
  /** Its size in bytes (0 where unknown): an in-place upgrade changes it. */
  readonly bytes: number;
  /** "OpenBLAS 0.3.21", "reference BLAS 3.11.0", "MKL", "OpenBLAS", or null when the name says nothing. */
  readonly version: string | null;
  /** OpenBLAS's kernel family (openblas_get_corename, e.g. "Zen"); "" for other libraries. */
  readonly core: string;
}

/** The identity of the BLAS loaded as `loadedAs` with OpenBLAS core `core` ("" elsewhere). */
export function identifyBlas(loadedAs: string, core: string, mappedFiles: readonly string[] = readMappedFiles()): BlasIdentity {
  const path = resolveLoadedFile(loadedAs, mappedFiles);
  let bytes = 0;
  try {
    bytes = statSync(path).size;
  } catch {
    // A bare name not found among the mappings (no /proc here): identified by name alone.
  }
  return { loadedAs, path, bytes, version: blasVersion(path, core, mappedFiles), core };
}

/** "OpenBLAS 0.3.21 /usr/lib/.../libopenblasp-r0.3.21.so, core Zen" — for the backend line. */
export function formatBlasIdentity(blas: BlasIdentity): string {
  return [blas.version, blas.path].filter((part) => part !== null && part !== "").join(" ") + (blas.core === "" ? "" : `, core ${blas.core}`);
}

/**
 * The file `loadedAs` resolved to. A path is resolved through its symlinks; a bare name is
 * searched for among the files this process has mapped (Linux: /proc/self/maps shows what the
 * linker found, which the name alone cannot tell: LD_LIBRARY_PATH, alternatives, ld.so.cache).
 */
export function resolveLoadedFile(loadedAs: string, mappedFiles: readonly string[]): string {
  if (loadedAs.includes("/")) {
    try {
      return realpathSync(loadedAs);
    } catch {
      return loadedAs;
    }
  }
  // "libopenblas.so.0" is mapped as ".../libopenblasp-r0.3.21.so": match on the stem before ".so".
  const stem = loadedAs.replace(/\.so(\.\d+)*$/, "");
  const matches = mappedFiles.filter((file) => basename(file).startsWith(stem));
  return matches[0] ?? loadedAs;
}

/** The family and version the library's file names reveal (Debian and upstream naming). */
export function blasVersion(path: string, core: string, mappedFiles: readonly string[]): string | null {
  const openblas = /libopenblas\w*-r(\d+\.\d+\.\d+)/;
  const fromPath = openblas.exec(path);
  if (fromPath !== null) return `OpenBLAS ${fromPath[1]}`;
  if (/openblas/i.test(path) || core !== "") {
    // Debian's openblas-pthread/libblas.so.3 is a thin front for libopenblas*-r<version>.so, mapped beside it.
    const mapped = mappedFiles.map((file) => openblas.exec(file)).find((match) => match !== null);
    return mapped === undefined ? "OpenBLAS" : `OpenBLAS ${mapped[1]}`;
  }
  if (/mkl/i.test(path)) return "MKL";
  const reference = /\/blas\/libblas\.so\.(\d+\.\d+\.\d+)$/.exec(path);
  if (reference !== null) return `reference BLAS ${reference[1]}`;
  return null;
}

/** Every file mapped into this process (empty where /proc/self/maps does not exist). */
export function readMappedFiles(): string[] {
  let maps: string;
  try {
    maps = readFileSync("/proc/self/maps", "utf8");
  } catch {
    return [];
  }
  const files = new Set<string>();
  for (const line of maps.split("\n")) {
    const slash = line.indexOf("/");
    if (slash >= 0) files.add(line.slice(slash).replace(/ \(deleted\)$/, ""));
  }
  return [...files];
}
