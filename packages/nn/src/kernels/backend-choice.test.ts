import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigError } from "@mtrl/core/errors";
import { cacheDirectory, cacheFile, type MachineKey } from "./backend-choice-cache.js";
import {
  backendChoiceOf, cachedChoiceFor, chooseFastest, describeBackendChoice, machineKey, recordBackendChoice, timeGemmSet,
} from "./backend-choice.js";
import type { BlasIdentity } from "./blas-identity.js";
import { JsKernels } from "./js-kernels.js";
import type { BackendName, Kernels } from "./kernels.js";
import { nativeAddonPath } from "./native-kernels.js";
import { createKernels } from "./select.js";
import { WasmKernels } from "./wasm-kernels.js";

const scratch = mkdtempSync(join(tmpdir(), "mtrl-backend-choice-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
/** A fresh, empty cache folder (never the user's). */
function cacheFolder(): string {
  return join(scratch, `cache-${folders++}`);
}

/** A stand-in backend that only has a name: the measurement is injected. */
function backend(name: BackendName): Kernels {
  const kernels = new JsKernels();
  Object.defineProperty(kernels, "name", { value: name });
  return kernels;
}

const openblas: BlasIdentity = {
  loadedAs: "libopenblas.so.0", path: "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so",
  bytes: 36543000, version: "OpenBLAS 0.3.21", core: "Zen",
};
const reference: BlasIdentity = {
  loadedAs: "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", path: "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
  bytes: 420000, version: "reference BLAS 3.11.0", core: "",
};

function key(blas: BlasIdentity): MachineKey {
  return { blas, cpuModel: "Test CPU", cpuCount: 2, threads: { native: 2, wasm: 2 }, node: "v20.0.0", packageVersion: "0.0.0", gemmSet: 1 };
}

/** chooseFastest over stand-ins with fixed timings, counting the measurements. */
function choose(cacheDirectory: string | null, blas: BlasIdentity, timings: Partial<Record<BackendName, number>>) {
  const measured: BackendName[] = [];
  const lines: string[] = [];
  const result = chooseFastest({
    candidates: [backend("native"), backend("wasm")],
    key: key(blas),
    cacheDirectory,
    log: (line) => lines.push(line),
    measure: (kernels) => {
      measured.push(kernels.name);
      return timings[kernels.name]!;
    },
  });
  return { ...result, measured, lines };
}

test("the backend with the shorter GEMM-set time is chosen, whichever it is", () => {
  assert.equal(choose(null, openblas, { native: 0.4, wasm: 0.6 }).choice.backend, "native");
  const slowBlas = choose(null, reference, { native: 57, wasm: 12 });
  assert.equal(slowBlas.choice.backend, "wasm");
  assert.equal(slowBlas.kernels.name, "wasm");
  assert.deepEqual(slowBlas.measured, ["native", "wasm"]);
  assert.deepEqual(slowBlas.lines, []);
});

test("a measurement is cached and reused: the second start measures nothing", () => {
  const folder = cacheFolder();
  const first = choose(folder, openblas, { native: 0.4, wasm: 0.6 });
  assert.deepEqual(first.measured, ["native", "wasm"]);
  const file = cacheFile(folder, key(openblas));
  assert.ok(existsSync(file), "the cache file is written");
  const saved = JSON.parse(readFileSync(file, "utf8")) as { choice: string; medianMs: object; key: MachineKey };
  assert.equal(saved.choice, "native");
  assert.deepEqual(saved.medianMs, { native: 0.4, wasm: 0.6 });
  assert.deepEqual(saved.key, key(openblas));
  assert.deepEqual(readdirSync(folder), [file.slice(folder.length + 1)], "no temporary file is left behind");

  // Timings that would now pick wasm: the cached choice stands, unmeasured.
  const second = choose(folder, openblas, { native: 9, wasm: 1 });
  assert.deepEqual(second.measured, []);
  assert.equal(second.choice.backend, "native");
  assert.equal(second.choice.reason.kind === "measured" && second.choice.reason.cached, true);
});

test("a cached choice of native is found before wasm loads, under the same key as the full measurement", () => {
  const folder = cacheFolder();
  const [native, wasm] = [backend("native"), backend("wasm")];
  const fullKey = machineKey([native, wasm]);
  assert.deepEqual(machineKey([native], { wasm: 1 }), fullKey, "same key, same order, so the same file");
  assert.equal(cachedChoiceFor(native, fullKey, ["native", "wasm"], folder), undefined, "nothing cached yet");
  chooseFastest({ candidates: [native, wasm], key: fullKey, cacheDirectory: folder, log: () => {}, measure: (kernels) => (kernels.name === "native" ? 1 : 2) });
  const early = cachedChoiceFor(native, fullKey, ["native", "wasm"], folder);
  assert.equal(early?.backend, "native");
  assert.ok(early?.reason.kind === "measured" && early.reason.cached);
  assert.equal(cachedChoiceFor(wasm, fullKey, ["native", "wasm"], folder), undefined, "only a choice of the loaded backend");
});

test("another BLAS is another key: it is measured, and the first measurement is kept", () => {
  const folder = cacheFolder();
  choose(folder, openblas, { native: 0.4, wasm: 0.6 });
  const swapped = choose(folder, reference, { native: 57, wasm: 12 });
  assert.deepEqual(swapped.measured, ["native", "wasm"]);
  assert.equal(swapped.choice.backend, "wasm");
  assert.notEqual(cacheFile(folder, key(reference)), cacheFile(folder, key(openblas)));
  assert.equal(readdirSync(folder).length, 2);
  assert.deepEqual(choose(folder, openblas, { native: 9, wasm: 1 }).measured, [], "switching back reads the first file");
  const upgraded = { ...openblas, path: openblas.path.replace("0.3.21", "0.3.26"), version: "OpenBLAS 0.3.26" };
  assert.deepEqual(choose(folder, upgraded, { native: 0.4, wasm: 0.6 }).measured, ["native", "wasm"]);
});

test("a corrupt cache file is measured again with one line naming it, and rewritten", () => {
  const folder = cacheFolder();
  choose(folder, openblas, { native: 0.4, wasm: 0.6 });
  const file = cacheFile(folder, key(openblas));
  for (const damage of ['{"format": 1, "key": {"blas"', "", '{"format": 1}', "[]"]) {
    writeFileSync(file, damage);
    const again = choose(folder, openblas, { native: 0.4, wasm: 0.6 });
    assert.deepEqual(again.measured, ["native", "wasm"], `re-measured after ${JSON.stringify(damage)}`);
    assert.equal(again.lines.length, 1);
    assert.ok(again.lines[0]!.includes(file), again.lines[0]);
    assert.match(again.lines[0]!, /is unreadable \(.+\); measuring the backends again\.$/);
    assert.equal((JSON.parse(readFileSync(file, "utf8")) as { choice: string }).choice, "native");
  }
});

test("a cache that cannot be written is warned about, never fatal", () => {
  const blocker = join(scratch, "a-file-not-a-folder");
  writeFileSync(blocker, "");
  const result = choose(join(blocker, "mtrl"), openblas, { native: 0.4, wasm: 0.6 });
  assert.equal(result.choice.backend, "native");
  assert.equal(result.lines.length, 1);
  assert.match(result.lines[0]!, /could not cache the backend choice in .+; it is measured again at the next start\./);
  assert.match(describeChoice(result), /measured now in .+, not cached$/);
});

/** The start line of a choice made by chooseFastest (createKernels records its own choices). */
function describeChoice(result: ReturnType<typeof chooseFastest>): string {
  recordBackendChoice(result.kernels, result.choice);
  return describeBackendChoice(result.kernels);
}

test("the start line names the backend, its BLAS and version, threads, the timings and when they were measured", () => {
  const folder = cacheFolder();
  const measured = describeChoice(choose(folder, openblas, { native: 0.41, wasm: 0.62 }));
  assert.match(measured, /^backend: native \(OpenBLAS 0\.3\.21 \/usr\/lib\/x86_64-linux-gnu\/openblas-pthread\/libopenblasp-r0\.3\.21\.so, core Zen, 1 thread\) — fastest on the GEMM set: native 0\.41 ms, wasm 0\.62 ms, measured now in /);
  const cached = describeChoice(choose(folder, openblas, { native: 0.41, wasm: 0.62 }));
  assert.match(cached, /native 0\.41 ms, wasm 0\.62 ms, cached \d{4}-\d\d-\d\d$/);
  // When native loses, its BLAS is the likely reason: named beside its time.
  const lost = describeChoice(choose(folder, reference, { native: 57, wasm: 12 }));
  assert.match(lost, /^backend: wasm \(1 thread\) — fastest on the GEMM set: wasm 12 ms, native 57 ms \(reference BLAS 3\.11\.0 \/usr\/lib\/x86_64-linux-gnu\/blas\/libblas\.so\.3\.11\.0\), measured now/);
});

test("MTRL_BACKEND forces the backend and nothing is measured or cached", async () => {
  const folder = cacheFolder();
  const wasm = await createKernels({ env: { MTRL_BACKEND: "wasm", MTRL_WASM_THREADS: "1", MTRL_CACHE_DIR: folder } });
  try {
    assert.equal(wasm.name, "wasm");
    assert.deepEqual(backendChoiceOf(wasm)?.reason, { kind: "forced", by: "MTRL_BACKEND" });
    assert.equal(describeBackendChoice(wasm), "backend: wasm (1 thread) — forced by MTRL_BACKEND");
  } finally {
    (wasm as WasmKernels).close();
  }
  const js = await createKernels({ env: { MTRL_BACKEND: "js", MTRL_CACHE_DIR: folder } });
  assert.equal(describeBackendChoice(js), "backend: js — forced by MTRL_BACKEND");
  const caller = await createKernels({ backend: "js", env: { MTRL_CACHE_DIR: folder } });
  assert.equal(describeBackendChoice(caller), "backend: js — forced by the caller");
  assert.equal(existsSync(folder), false, "no cache folder was created");
});

test("unforced, the real backends are measured once and the cached choice is used at the next start", async (t) => {
  const folder = cacheFolder();
  const lines: string[] = [];
  const first = await createKernels({ env: { MTRL_CACHE_DIR: folder }, log: (line) => lines.push(line) });
  const second = await createKernels({ env: { MTRL_CACHE_DIR: folder }, log: (line) => lines.push(line) });
  try {
    const choice = backendChoiceOf(first)!;
    if (choice.reason.kind === "only-available") {
      // No native backend here (addon or BLAS missing): wasm, and the one line saying why.
      assert.equal(first.name, "wasm");
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /native backend unavailable \(.+\); using wasm/);
      // Where the addon was built, a fallback means its BLAS is missing: say so in the report.
      if (existsSync(nativeAddonPath)) assert.match(lines[0]!, /BLAS/);
      assert.match(describeBackendChoice(first), /^backend: wasm \(\d threads?\) — native unavailable: .+/);
      t.diagnostic("native backend unavailable here: nothing to measure or cache");
      return;
    }
    assert.equal(choice.reason.kind, "measured");
    assert.deepEqual(lines, []);
    assert.equal(readdirSync(folder).length, 1);
    assert.equal(second.name, first.name);
    const reason = backendChoiceOf(second)!.reason;
    assert.ok(reason.kind === "measured" && reason.cached, "the second start reads the cache");
    assert.match(describeBackendChoice(second), /^backend: (native|wasm) \(.*\d threads?\) — fastest on the GEMM set: \w+ [\d.]+ m?s.*, cached \d{4}-\d\d-\d\d$/);
  } finally {
    for (const kernels of [first, second]) if (kernels instanceof WasmKernels) kernels.close();
  }
});

test("the GEMM set times every backend in milliseconds, with a median over repetitions", () => {
  const ms = timeGemmSet(new JsKernels(), { repetitions: 3, budgetMs: 0 });
  assert.ok(Number.isFinite(ms) && ms > 0, `${ms}`);
});

test("the cache folder is MTRL_CACHE_DIR, else $XDG_CACHE_HOME/mtrl, else ~/.cache/mtrl; a relative MTRL_CACHE_DIR is a ConfigError", () => {
  assert.equal(cacheDirectory({ MTRL_CACHE_DIR: "/var/cache/mine", XDG_CACHE_HOME: "/x" }), "/var/cache/mine");
  assert.equal(cacheDirectory({ XDG_CACHE_HOME: "/home/u/.xdg-cache" }), "/home/u/.xdg-cache/mtrl");
  assert.equal(cacheDirectory({}), join(homedir(), ".cache", "mtrl"));
  assert.equal(cacheDirectory({ XDG_CACHE_HOME: "relative", MTRL_CACHE_DIR: "" }), join(homedir(), ".cache", "mtrl"));
  assert.throws(() => cacheDirectory({ MTRL_CACHE_DIR: "cache" }), (error: unknown) =>
    error instanceof ConfigError && /must be an absolute path/.test(error.message) && /got "cache"/.test(error.message) && /unset it/.test(error.message));
});

test("a relative MTRL_CACHE_DIR fails before any backend loads", async () => {
  await assert.rejects(createKernels({ env: { MTRL_CACHE_DIR: "relative/cache" } }), ConfigError);
});
