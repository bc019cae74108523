import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { cacheFile, readCachedChoice, writeCachedChoice, type CachedChoice, type MachineKey } from "./backend-choice-cache.js";
import { formatBlasIdentity, identifyBlas, type BlasIdentity } from "./blas-identity.js";
import type { BackendName, Kernels } from "./kernels.js";
import { NativeKernels } from "./native-kernels.js";
import { WasmKernels } from "./wasm-kernels.js";

/** Why the backend in use is the one in use. */
export type BackendChoiceReason =
  /** MTRL_BACKEND (or the caller's `backend` option) named it. */
  | { readonly kind: "forced"; readonly by: "MTRL_BACKEND" | "caller" }
  /** The fastest on the GEMM set, measured now or read from the cache. */
  | {
      readonly kind: "measured";
      readonly medianMs: Readonly<Partial<Record<BackendName, number>>>;
      readonly measuredAt: string;
      readonly cached: boolean;
      readonly measurementMs: number;
      /** The cache file, or null when it could not be written. */
      readonly cacheFile: string | null;
    }
  /** The only backend that loaded; `unavailable` says why the others did not. */
  | { readonly kind: "only-available"; readonly unavailable: Readonly<Partial<Record<BackendName, string>>> };

/** The backend a process uses, with what the start-of-run line reports. */
export interface BackendChoice {
  readonly backend: BackendName;
  readonly reason: BackendChoiceReason;
  /** The BLAS of the native backend when it loaded (also when it lost the measurement). */
  readonly blas: BlasIdentity | null;
  /** Threads of the chosen backend (native: -1 when the BLAS threads its GEMMs itself). */
  readonly threads: number;
}

const choices = new WeakMap<Kernels, BackendChoice>();

/** Remembers why `kernels` was chosen (createKernels does this for every backend it returns). */
export function recordBackendChoice(kernels: Kernels, choice: BackendChoice): void {
  choices.set(kernels, choice);
}

/** Why `kernels` was chosen, or undefined for a backend constructed directly. */
export function backendChoiceOf(kernels: Kernels): BackendChoice | undefined {
  return choices.get(kernels);
}

/**
 * The one line `mtrl train` prints at start: backend, BLAS and version where known, threads, and
 * why, e.g. `backend: native (OpenBLAS 0.3.21 /usr/lib/.../libopenblasp-r0.3.21.so, core Zen,
 * 2 threads) — fastest on the GEMM set: native 3.02 ms, wasm 8.17 ms, cached 2026-11-30`.
 */
export function describeBackendChoice(kernels: Kernels): string {
  const choice = backendChoiceOf(kernels) ?? describeUnrecorded(kernels);
  const details = [
    choice.backend === "native" && choice.blas !== null ? formatBlasIdentity(choice.blas) : "",
    formatThreads(choice.backend, choice.threads),
  ].filter((part) => part !== "");
  const head = `backend: ${choice.backend}${details.length === 0 ? "" : ` (${details.join(", ")})`}`;
  const reason = choice.reason;
  switch (reason.kind) {
    case "forced":
      return `${head} — forced by ${reason.by === "MTRL_BACKEND" ? "MTRL_BACKEND" : "the caller"}`;
    case "only-available": {
      const why = Object.entries(reason.unavailable).map(([name, message]) => `${name} unavailable: ${message}`);
      return `${head} — ${why.length === 0 ? "the only backend" : why.join("; ")}`;
    }
    case "measured": {
      const ranked = (Object.entries(reason.medianMs) as [BackendName, number][]).sort((a, b) => a[1] - b[1]);
      const timings = ranked.map(([name, ms]) => {
        // The losing native backend's BLAS is the usual reason it lost: name it.
        const blas = name === "native" && choice.backend !== "native" && choice.blas !== null ? ` (${formatBlasIdentity(choice.blas)})` : "";
        return `${name} ${formatMs(ms)}${blas}`;
      });
      const when = reason.cached
        ? `cached ${reason.measuredAt.slice(0, 10)}`
        : `measured now in ${formatMs(reason.measurementMs)}${reason.cacheFile === null ? ", not cached" : ""}`;
      return `${head} — fastest on the GEMM set: ${timings.join(", ")}, ${when}`;
    }
  }
}

function describeUnrecorded(kernels: Kernels): BackendChoice {
  const blas = kernels instanceof NativeKernels ? nativeBlasIdentity(kernels) : null;
  return { backend: kernels.name, reason: { kind: "forced", by: "caller" }, blas, threads: threadsOf(kernels) };
}

function formatThreads(backend: BackendName, threads: number): string {
  if (backend === "js") return "";
  if (threads < 0) return "the BLAS's own threads";
  return `${threads} thread${threads === 1 ? "" : "s"}`;
}

/** Microseconds are all a cache file needs to keep. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

/** Threads a backend runs its GEMMs on (native: -1 when the BLAS threads them itself). */
export function threadsOf(kernels: Kernels): number {
  if (kernels instanceof NativeKernels) return kernels.blasInfo().threads;
  if (kernels instanceof WasmKernels) return kernels.threads;
  return 1;
}

export function nativeBlasIdentity(kernels: NativeKernels): BlasIdentity {
  const info = kernels.blasInfo();
  return identifyBlas(info.library, info.core);
}

/** Bump when `gemmSet` changes: cached timings of another set are not comparable. */
export const gemmSetVersion = 1;

/**
 * The GEMMs of one 400-wide hidden layer of an MLP SAC update at batch 128 (the reference MTRL's
 * 3×400 networks) plus its 49-wide input layer (MT10: 39 observation + 10 one-hot): forward
 * x·Wᵀ, weight gradient dZᵀ·x, input gradient dZ·W, with the transpose flags ops/linear.ts uses.
 * Small enough to time in milliseconds, large enough that both fast backends split it over their
 * threads, as in training.
 */
const gemmSet: readonly (readonly [transA: boolean, transB: boolean, m: number, n: number, k: number])[] = [
  [false, true, 128, 400, 49],
  [false, true, 128, 400, 400],
  [true, false, 400, 400, 128],
  [false, false, 128, 400, 400],
  [true, false, 400, 49, 128],
];

export interface TimeGemmSetOptions {
  /** Timed repetitions after one warm-up (default 5; fewer when `budgetMs` runs out, never under 3). */
  readonly repetitions?: number;
  /** Stop repeating after this much time (default 120 ms): a slow reference BLAS needs no 5 runs to lose. */
  readonly budgetMs?: number;
}

/**
 * Median wall time (ms) of the GEMM set on `kernels`, on buffers it allocated (wasm: in its
 * memory, the hot path; the ~1.7 MB stay in its arena, which never frees). Runs on the instance
 * that will train, so with the same threads.
 */
export function timeGemmSet(kernels: Kernels, options: TimeGemmSetOptions = {}): number {
  const repetitions = options.repetitions ?? 5;
  const budgetMs = options.budgetMs ?? 120;
  const calls = gemmSet.map(([transA, transB, m, n, k]) => {
    const a = filled(kernels.allocate(m * k));
    const b = filled(kernels.allocate(k * n));
    const c = kernels.allocate(m * n);
    const lda = transA ? m : k;
    const ldb = transB ? k : n;
    return () => kernels.gemm(transA, transB, m, n, k, 1, a, lda, b, ldb, 0, c, n);
  });
  const runSet = (): void => calls.forEach((call) => call());
  runSet();
  const times: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (times.length < repetitions && (times.length < 3 || performance.now() < deadline)) {
    const start = performance.now();
    runSet();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  return times[times.length >> 1]!;
}

function filled(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = ((i * 7) % 13) / 64 - 0.09;
  return values;
}

/**
 * The machine key of `candidates` (the backends that loaded). `threads` adds the threads of a
 * backend not loaded yet (wasm, when the cache may make loading it unnecessary); it must list
 * backends in the order the candidates will have, as the key is hashed as JSON.
 */
export function machineKey(candidates: readonly Kernels[], threads: Readonly<Partial<Record<BackendName, number>>> = {}): MachineKey {
  const native = candidates.find((kernels): kernels is NativeKernels => kernels instanceof NativeKernels);
  return {
    blas: native === undefined ? null : nativeBlasIdentity(native),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cpuCount: availableParallelism(),
    threads: { ...Object.fromEntries(candidates.map((kernels) => [kernels.name, threadsOf(kernels)])), ...threads },
    node: process.version,
    packageVersion: packageVersion(),
    gemmSet: gemmSetVersion,
  };
}

function packageVersion(): string {
  // src/kernels/ and dist/kernels/ are both two levels below the package root.
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

export interface ChooseFastestOptions {
  /** The backends that loaded (at least two). */
  readonly candidates: readonly Kernels[];
  /** What the measurement is cached under (default: `machineKey(candidates)`). */
  readonly key?: MachineKey;
  /** The cache folder (`cacheDirectory(env)`), or null to measure without caching. */
  readonly cacheDirectory: string | null;
  /** Where the one-line warnings go (an unreadable or unwritable cache). */
  readonly log: (line: string) => void;
  /** Median ms of the GEMM set on one backend (default `timeGemmSet`; tests inject timings). */
  readonly measure?: (kernels: Kernels) => number;
}

/**
 * The fastest of `candidates` on the GEMM set: read from the cache when this machine key was
 * measured before, else measured now (each backend in turn, on the instance that will run) and
 * cached. A cache that cannot be read is measured again and one that cannot be written is only
 * warned about: the cache saves half a second per start, it never stops a run.
 */
export function chooseFastest(options: ChooseFastestOptions): { kernels: Kernels; choice: BackendChoice } {
  const { candidates, log } = options;
  const names = candidates.map((kernels) => kernels.name);
  const key = options.key ?? machineKey(candidates);
  const file = options.cacheDirectory === null ? null : cacheFile(options.cacheDirectory, key);
  let entry: CachedChoice | undefined;
  let cached = false;
  if (file !== null) {
    const read = readCachedChoice(file, key, names);
    if (read.kind === "hit") {
      entry = read.entry;
      cached = true;
    } else if (read.kind === "unreadable") {
      log(`@mtrl/nn: the backend-choice cache ${file} is unreadable (${read.why}); measuring the backends again.`);
    }
  }
  let written = file;
  if (entry === undefined) {
    const measure = options.measure ?? ((kernels: Kernels) => timeGemmSet(kernels));
    const started = performance.now();
    const medianMs = Object.fromEntries(candidates.map((kernels) => [kernels.name, roundMs(measure(kernels))])) as Partial<Record<BackendName, number>>;
    const fastest = names.reduce((best, name) => (medianMs[name]! < medianMs[best]! ? name : best));
    entry = { format: 1, key, choice: fastest, medianMs, measurementMs: roundMs(performance.now() - started), measuredAt: new Date().toISOString() };
    if (file !== null) {
      try {
        writeCachedChoice(file, entry);
      } catch (error) {
        written = null;
        log(`@mtrl/nn: could not cache the backend choice in ${file} (${(error as Error).message}); it is measured again at the next start.`);
      }
    }
  }
  const chosen = candidates.find((kernels) => kernels.name === entry.choice)!;
  return { kernels: chosen, choice: measuredChoice(chosen, entry, cached, written) };
}

/**
 * The cached choice for `key` when it is `loaded` — looked up before the other backends load, so
 * that a start whose cache says native never compiles wasm or starts its worker. Undefined for
 * anything else (no cache, another choice, an unreadable file: chooseFastest then handles it).
 */
export function cachedChoiceFor(loaded: Kernels, key: MachineKey, backends: readonly BackendName[], directory: string | null): BackendChoice | undefined {
  if (directory === null) return undefined;
  const file = cacheFile(directory, key);
  const read = readCachedChoice(file, key, backends);
  return read.kind === "hit" && read.entry.choice === loaded.name ? measuredChoice(loaded, read.entry, true, file) : undefined;
}

function measuredChoice(chosen: Kernels, entry: CachedChoice, cached: boolean, cacheFile: string | null): BackendChoice {
  return {
    backend: chosen.name,
    reason: { kind: "measured", medianMs: entry.medianMs, measuredAt: entry.measuredAt, cached, measurementMs: entry.measurementMs, cacheFile },
    blas: entry.key.blas,
    threads: threadsOf(chosen),
  };
}
