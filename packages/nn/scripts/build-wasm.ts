/**
 * Builds packages/nn/wasm/kernels.wasm from the C sources with Debian's clang and wasm-ld (no
 * emscripten, no libc). `npm run build:wasm` runs it; the result is committed so that users need
 * no toolchain, and a test rebuilds it into a temporary directory to prove it matches its source.
 *
 * Determinism: no debug info, a fixed file order, and custom sections (clang's "producers"
 * section names the compiler version) stripped, so the bytes depend only on the sources, the
 * flags and the code generator. build-info.json records which clang made the committed file, so
 * a test on a machine with another clang can say why bytes differ instead of failing.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const wasmDir = fileURLToPath(new URL("../wasm/", import.meta.url));
export const committedWasmPath = join(wasmDir, "kernels.wasm");
export const buildInfoPath = join(wasmDir, "build-info.json");

/** Translation units, in link order, with flags of their own. */
const sources: ReadonlyArray<{ file: string; flags: readonly string[] }> = [
  // Loop strength reduction would turn the micro-kernel's struct field loads back into address
  // adds (see the comment on a_step in gemm.c).
  { file: "gemm.c", flags: ["-mllvm", "-disable-lsr"] },
  { file: "elementwise.c", flags: [] },
  { file: "mix_rows.c", flags: [] },
  { file: "film.c", flags: [] },
  { file: "conv_layout.c", flags: [] },
  { file: "ceiling.c", flags: [] },
];

const compileFlags = [
  "--target=wasm32", "-msimd128", "-O3", "-nostdlib", "-ffreestanding",
  // Threads share one memory: the module must import a shared memory, which needs these features.
  "-matomics", "-mbulk-memory",
];

const linkFlags = [
  "--no-entry", "--import-memory", "--shared-memory",
  // 4 GiB, the wasm32 limit: growth of a shared memory never moves it, so this is only address space.
  "--max-memory=4294967296",
  // Where the caller's allocator may start (after the linker's stack, which the kernels do not use).
  "--export=__heap_base",
];

export interface Toolchain {
  clang: string;
  wasmLd: string;
  /** First line of `clang --version`, e.g. "Debian clang version 14.0.6". */
  clangVersion: string;
}

function runs(command: string): boolean {
  try {
    execFileSync(command, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Finds clang and wasm-ld, also under Debian's versioned names (clang-14, wasm-ld-14, ...). */
export function findToolchain(): Toolchain | null {
  const versions = ["", ...Array.from({ length: 12 }, (_, index) => `-${22 - index}`)];
  for (const suffix of versions) {
    const clang = `clang${suffix}`;
    if (!runs(clang)) continue;
    // Prefer the linker of the same version, then any.
    const wasmLd = [`wasm-ld${suffix}`, ...versions.map((other) => `wasm-ld${other}`)].find(runs);
    if (wasmLd === undefined) continue;
    const clangVersion = execFileSync(clang, ["--version"], { encoding: "utf8" }).split("\n")[0]?.trim() ?? "";
    return { clang, wasmLd, clangVersion };
  }
  return null;
}

/** Removes custom sections (id 0) from a wasm binary: names and producers carry no code. */
export function stripCustomSections(bytes: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let offset = 8;
  while (offset < bytes.length) {
    const start = offset;
    const id = bytes[offset++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new Error("truncated wasm section header");
      size |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    offset += size;
    if (id !== 0) kept.push(bytes.subarray(start, offset));
  }
  return Buffer.concat(kept);
}

/** Compiles and links the kernels into `outFile`; returns the bytes written. */
export function buildWasm(outFile: string, toolchain: Toolchain): Uint8Array {
  const scratch = mkdtempSync(join(tmpdir(), "mtrl-wasm-"));
  try {
    const objects = sources.map(({ file, flags }) => {
      const object = join(scratch, file.replace(/\.c$/, ".o"));
      execFileSync(toolchain.clang, [...compileFlags, ...flags, "-c", join(wasmDir, file), "-o", object], { stdio: "inherit" });
      return object;
    });
    const linked = join(scratch, "kernels.wasm");
    execFileSync(toolchain.wasmLd, [...linkFlags, ...objects, "-o", linked], { stdio: "inherit" });
    const bytes = stripCustomSections(readFileSync(linked));
    writeFileSync(outFile, bytes);
    return bytes;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const toolchain = findToolchain();
  if (toolchain === null) {
    console.error("build:wasm needs clang and wasm-ld (Debian: apt-get install clang lld); the committed kernels.wasm is unchanged.");
    process.exit(1);
  }
  const bytes = buildWasm(committedWasmPath, toolchain);
  const info = { clang: toolchain.clangVersion, bytes: bytes.length, sha256: sha256(bytes) };
  writeFileSync(buildInfoPath, `${JSON.stringify(info, null, 2)}\n`);
  console.log(JSON.stringify({ wrote: committedWasmPath, ...info }));
}
