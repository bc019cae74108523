import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildInfoPath, buildWasm, committedWasmPath, findToolchain, sha256 } from "./build-wasm.js";

const committed = readFileSync(committedWasmPath);
const buildInfo = JSON.parse(readFileSync(buildInfoPath, "utf8")) as { clang: string; sha256: string };

test("build-info.json describes the committed kernels.wasm", () => {
  assert.equal(sha256(committed), buildInfo.sha256, "kernels.wasm changed without `npm run build:wasm -w @mtrl/nn`");
});

test("the committed kernels.wasm is exactly what its C sources build to", (t) => {
  const toolchain = findToolchain();
  if (toolchain === null) {
    t.skip("clang/wasm-ld not installed (apt-get install clang lld)");
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), "mtrl-wasm-check-"));
  try {
    const rebuilt = buildWasm(join(scratch, "kernels.wasm"), toolchain);
    if (toolchain.clangVersion !== buildInfo.clang && sha256(rebuilt) !== buildInfo.sha256) {
      // Another compiler version may schedule instructions differently; that is not a stale file.
      t.skip(`committed file built by "${buildInfo.clang}", this machine has "${toolchain.clangVersion}"`);
      return;
    }
    assert.equal(sha256(rebuilt), sha256(committed),
      "packages/nn/wasm/kernels.wasm is stale: run `npm run build:wasm -w @mtrl/nn` and commit it");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
