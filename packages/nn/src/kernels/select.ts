import { availableParallelism } from "node:os";
import { ConfigError } from "@mtrl/core/errors";
import { cacheDirectory } from "./backend-choice-cache.js";
import {
  cachedChoiceFor, chooseFastest, machineKey, nativeBlasIdentity, recordBackendChoice, threadsOf, type BackendChoiceReason,
} from "./backend-choice.js";
import { KernelsNotLoadedError } from "./kernel-errors.js";
import { JsKernels } from "./js-kernels.js";
import type { BackendName, Kernels } from "./kernels.js";
import { NativeKernels } from "./native-kernels.js";
import { WasmKernels } from "./wasm-kernels.js";

export const backendNames: readonly BackendName[] = ["js", "wasm", "native"];

export interface LoadKernelsOptions {
  /** Which backend; default MTRL_BACKEND, else the fastest that loads (measured once per machine). */
  backend?: BackendName;
  /** Where the one-line fallback notice goes (default console.warn). */
  log?: (line: string) => void;
  /** Environment to read MTRL_* settings from (default process.env; tests pass their own). */
  env?: Record<string, string | undefined>;
}

let loaded: Kernels | null = null;
let loading: Promise<Kernels> | null = null;

/**
 * Loads the kernel backend for this process, once; later calls return the same instance.
 *
 * Settings (environment):
 * - MTRL_BACKEND=js|wasm|native. Unset: of native and wasm, the faster on a small GEMM set,
 *   measured once per machine key (BLAS, CPU, threads) and cached in MTRL_CACHE_DIR (default
 *   $XDG_CACHE_HOME/mtrl or ~/.cache/mtrl); see backend-choice.ts. A backend that fails to load
 *   falls back (native → wasm → js) with one line saying why.
 * - MTRL_CACHE_DIR: the folder of that cache (an absolute path).
 * - MTRL_WASM_THREADS=1|2: GEMM threads of the wasm backend (default 2 on a machine with two or
 *   more cores, else 1).
 * - MTRL_WASM_THREAD_TIMEOUT_MS: how long a GEMM waits for its worker before throwing.
 * - MTRL_THREAD_SPIN_US: how long an idle worker thread of either backend spins for the next
 *   kernel before sleeping (0: sleep at once; for machines shared with other busy jobs).
 * - MTRL_NATIVE_BLAS_THREADS: BLAS threads of the native backend (default: the BLAS's own).
 * - MTRL_BLAS_LIBRARY: comma-separated BLAS names or paths to try instead of the defaults.
 */
export function loadKernels(options: LoadKernelsOptions = {}): Promise<Kernels> {
  if (loaded !== null) return Promise.resolve(loaded);
  loading ??= createKernels(options).then(
    (kernels) => (loaded = kernels),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** The backend `loadKernels` loaded; throws KernelsNotLoadedError before it finished. */
export function getKernels(): Kernels {
  if (loaded === null) {
    throw new KernelsNotLoadedError(
      "getKernels() was called before the kernels were loaded. Call `await loadKernels()` once at start-up " +
        "(or construct a backend directly, e.g. new JsKernels(), in tests).",
    );
  }
  return loaded;
}

/**
 * Builds a backend without touching the process-wide one (tests, benchmarks), and records why it
 * was chosen for `describeBackendChoice`. With no backend forced, every backend that loads is
 * timed on a small GEMM set once per machine key (backend-choice.ts) and the fastest is used.
 */
export async function createKernels(options: LoadKernelsOptions = {}): Promise<Kernels> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.warn(line));
  const requested = options.backend ?? parseBackendName(env["MTRL_BACKEND"]);
  parseThreadSpin(env);
  const forced: BackendChoiceReason = { kind: "forced", by: options.backend === undefined ? "MTRL_BACKEND" : "caller" };
  // Read before anything loads, so that a bad MTRL_CACHE_DIR fails at once.
  const cacheFolder = requested === undefined ? cacheDirectory(env) : null;
  if (requested === "js") return chosen(new JsKernels(), forced);
  const unavailable: Partial<Record<BackendName, string>> = {};
  let native: NativeKernels | null = null;
  if (requested === undefined || requested === "native") {
    try {
      native = loadNativeKernels(env);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      unavailable.native = (error as Error).message;
      // One line, whether native was asked for or only preferred: a silent fallback would make
      // a 2-3x slower run look like a slow machine.
      log(`@mtrl/nn: native backend unavailable (${unavailable.native}); using wasm.`);
    }
    if (native !== null && requested === "native") return chosen(native, forced);
    if (native !== null) {
      // A cache that says native is read before wasm loads: such a start never compiles wasm.
      const key = machineKey([native], { wasm: wasmThreadsSetting(env).threads });
      const cached = cachedChoiceFor(native, key, ["native", "wasm"], cacheFolder);
      if (cached !== undefined) {
        recordBackendChoice(native, cached);
        return native;
      }
    }
  }
  let wasm: WasmKernels;
  try {
    wasm = await createWasmKernels(env, log);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    unavailable.wasm = (error as Error).message;
    const fallback = native ?? new JsKernels();
    log(`@mtrl/nn: wasm backend unavailable (${unavailable.wasm}); using ${native === null ? "the slow js reference" : "native"}.`);
    return chosen(fallback, { kind: "only-available", unavailable });
  }
  if (requested === "wasm") return chosen(wasm, forced);
  if (native === null) return chosen(wasm, { kind: "only-available", unavailable });
  const { kernels, choice } = chooseFastest({ candidates: [native, wasm], cacheDirectory: cacheFolder, log });
  if (kernels !== wasm) wasm.close();
  recordBackendChoice(kernels, choice);
  return kernels;
}

/** The native backend with the MTRL_NATIVE_BLAS_THREADS and MTRL_BLAS_LIBRARY settings from `env`. */
function loadNativeKernels(env: Record<string, string | undefined>): NativeKernels {
  const blasThreads = parsePositiveInteger(env, "MTRL_NATIVE_BLAS_THREADS");
  const blasLibraries = env["MTRL_BLAS_LIBRARY"]?.split(",").map((name) => name.trim()).filter((name) => name !== "");
  return NativeKernels.load({
    ...(blasThreads === undefined ? {} : { blasThreads }),
    ...(blasLibraries === undefined || blasLibraries.length === 0 ? {} : { blasLibraries }),
  });
}

/** Records why `kernels` is the backend (the line `mtrl train` prints) and returns it. */
function chosen(kernels: Kernels, reason: BackendChoiceReason): Kernels {
  const blas = kernels instanceof NativeKernels ? nativeBlasIdentity(kernels) : null;
  recordBackendChoice(kernels, { backend: kernels.name, reason, blas, threads: threadsOf(kernels) });
  return kernels;
}

/**
 * GEMM threads of the wasm backend when MTRL_WASM_THREADS is unset: 2 wherever there is a second
 * core. Measured on the 2-core dev machine, a full SAC update took 0.6x the time of one thread at
 * batch 128 and 1280; results are bit-identical either way (C is split, never k).
 */
export function defaultWasmThreads(): number {
  return availableParallelism() >= 2 ? 2 : 1;
}

/** The wasm backend with the MTRL_WASM_* settings from `env`. */
export async function createWasmKernels(
  env: Record<string, string | undefined> = process.env,
  log: (line: string) => void = (line) => console.warn(line),
): Promise<WasmKernels> {
  const { threads, requested } = wasmThreadsSetting(env);
  const threadTimeoutMs = parsePositiveInteger(env, "MTRL_WASM_THREAD_TIMEOUT_MS");
  const workerSpinMicroseconds = parseThreadSpin(env);
  const options = {
    threads,
    ...(threadTimeoutMs === undefined ? {} : { threadTimeoutMs }),
    ...(workerSpinMicroseconds === undefined ? {} : { workerSpinMicroseconds }),
  };
  if (threads === 1 || requested) return WasmKernels.create(options);
  try {
    return await WasmKernels.create(options);
  } catch (error) {
    // The default second thread is an optimisation: without it the backend still works.
    log(`@mtrl/nn: wasm GEMM worker thread unavailable (${(error as Error).message}); using one thread.`);
    return WasmKernels.create({ ...options, threads: 1 });
  }
}

/** The wasm backend's GEMM threads: MTRL_WASM_THREADS (1 or 2) if set, else `defaultWasmThreads()`. */
function wasmThreadsSetting(env: Record<string, string | undefined>): { threads: number; requested: boolean } {
  const requested = parsePositiveInteger(env, "MTRL_WASM_THREADS");
  if (requested !== undefined && requested > 2) {
    throw new ConfigError(`MTRL_WASM_THREADS must be 1 or 2, got ${JSON.stringify(env["MTRL_WASM_THREADS"])}. Set 1 or 2, or unset it for ${defaultWasmThreads()} here.`);
  }
  return { threads: requested ?? defaultWasmThreads(), requested: requested !== undefined };
}

/** MTRL_BACKEND's value, or undefined when unset or empty; anything else is a ConfigError. */
export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === "") return undefined;
  const name = value.trim().toLowerCase();
  if ((backendNames as readonly string[]).includes(name)) return name as BackendName;
  throw new ConfigError(
    `MTRL_BACKEND must be one of ${backendNames.join(", ")} (or unset for the fastest measured), got ${JSON.stringify(value)}.`,
  );
}

/**
 * MTRL_THREAD_SPIN_US: microseconds, 0 to 100 000, or undefined when unset. The native addon reads
 * the same variable itself (thread_pool.c); it is checked here so that a bad value is an error
 * whichever backend loads.
 */
export function parseThreadSpin(env: Record<string, string | undefined>): number | undefined {
  const value = env["MTRL_THREAD_SPIN_US"];
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 100_000) {
    throw new ConfigError(
      `MTRL_THREAD_SPIN_US must be a whole number of microseconds from 0 to 100000, got ${JSON.stringify(value)} ` +
        "(e.g. MTRL_THREAD_SPIN_US=0 to make idle worker threads sleep at once).",
    );
  }
  return parsed;
}

function parsePositiveInteger(env: Record<string, string | undefined>, key: string): number | undefined {
  const value = env[key];
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new ConfigError(`${key} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return parsed;
}
