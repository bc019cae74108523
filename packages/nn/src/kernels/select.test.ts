import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "@mtrl/core/errors";
import { KernelsNotLoadedError } from "./kernel-errors.js";
import { nativeAddonPath } from "./native-kernels.js";
import { createKernels, defaultWasmThreads, getKernels, parseBackendName } from "./select.js";
import type { WasmKernels } from "./wasm-kernels.js";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";

test("an unknown MTRL_BACKEND is a ConfigError naming the allowed values", async () => {
  assert.throws(() => parseBackendName("cuda"), (error: unknown) =>
    error instanceof ConfigError && /js, wasm, native/.test(error.message) && /"cuda"/.test(error.message));
  await assert.rejects(createKernels({ env: { MTRL_BACKEND: "gpu" } }), ConfigError);
});

test("MTRL_BACKEND picks the backend; unset or empty means the default", async () => {
  assert.equal(parseBackendName(undefined), undefined);
  assert.equal(parseBackendName(""), undefined);
  assert.equal(parseBackendName(" WASM "), "wasm");
  assert.equal((await createKernels({ env: { MTRL_BACKEND: "js" } })).name, "js");
  const wasm = await createKernels({ env: { MTRL_BACKEND: "wasm" } });
  assert.equal(wasm.name, "wasm");
});

test("a BLAS that cannot be found means wasm and one line naming every library tried", async (t) => {
  if (!existsSync(nativeAddonPath)) {
    t.skip("native addon not built here");
    return;
  }
  const lines: string[] = [];
  const kernels = await createKernels({
    env: { MTRL_BLAS_LIBRARY: "libmtrl-missing-a.so, /nonexistent/libmtrl-missing-b.so" },
    log: (line) => lines.push(line),
  });
  assert.equal(kernels.name, "wasm");
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /native backend unavailable \(no CBLAS found: libmtrl-missing-a\.so \(.+\); \/nonexistent\/libmtrl-missing-b\.so \(.+\);.*\); using wasm\./);
});

test("wasm runs GEMMs on two threads by default where there is a second core; MTRL_WASM_THREADS=1 keeps one", async () => {
  assert.equal(defaultWasmThreads(), availableParallelism() >= 2 ? 2 : 1);
  const byDefault = (await createKernels({ env: { MTRL_BACKEND: "wasm" } })) as WasmKernels;
  const one = (await createKernels({ env: { MTRL_BACKEND: "wasm", MTRL_WASM_THREADS: "1" } })) as WasmKernels;
  try {
    assert.equal(byDefault.threads, defaultWasmThreads());
    assert.equal(one.threads, 1);
  } finally {
    byDefault.close();
    one.close();
  }
});

test("a worker spin of 0 (sleep at once) is accepted and computes the same as the default", async () => {
  const wasm = await createKernels({ env: { MTRL_BACKEND: "wasm", MTRL_WASM_THREADS: "2", MTRL_THREAD_SPIN_US: "0" } });
  try {
    assert.equal(wasm.name, "wasm");
    const m = 256, n = 256, k = 256;
    const a = wasm.allocate(m * k).fill(0.5), b = wasm.allocate(k * n).fill(0.25), c = wasm.allocate(m * n);
    wasm.gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
    assert.ok(c.every((value) => value === 32));
  } finally {
    (wasm as { close?: () => void }).close?.();
  }
});

test("bad thread settings are ConfigErrors, not silent defaults", async () => {
  await assert.rejects(createKernels({ env: { MTRL_BACKEND: "wasm", MTRL_WASM_THREADS: "3" } }), ConfigError);
  await assert.rejects(createKernels({ env: { MTRL_BACKEND: "wasm", MTRL_WASM_THREADS: "two" } }), ConfigError);
  await assert.rejects(createKernels({ env: { MTRL_NATIVE_BLAS_THREADS: "0" } }), ConfigError);
  for (const spin of ["-1", "1.5", "fast", "100001"]) {
    await assert.rejects(createKernels({ env: { MTRL_BACKEND: "js", MTRL_THREAD_SPIN_US: spin } }),
      (error: unknown) => error instanceof ConfigError && /MTRL_THREAD_SPIN_US/.test((error as Error).message), spin);
  }
});

test("getKernels before loadKernels says to call loadKernels", () => {
  assert.throws(() => getKernels(), (error: unknown) =>
    error instanceof KernelsNotLoadedError && /await loadKernels\(\)/.test(error.message));
});
