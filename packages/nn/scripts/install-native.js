// @ts-check
/**
 * The `install` script of @mtrl/nn: builds the optional native backend (native/binding.gyp) with
 * npm's bundled node-gyp when a C compiler exists. It never fails the install: the wasm backend
 * works without it. It prints exactly one line saying what happened; node-gyp's full output goes
 * to native/build/install.log when the build fails.
 *
 * Plain JavaScript because it runs during `npm ci`, possibly before tsx is installed.
 * MTRL_SKIP_NATIVE=1 skips the build. `--strict` (npm run build:native) exits 1 on failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const nativeDir = fileURLToPath(new URL("../native/", import.meta.url));
const prefix = "@mtrl/nn:";
const strict = process.argv.includes("--strict");
let failed = false;

function say(line) {
  console.log(`${prefix} ${line}`);
}

/** npm tells lifecycle scripts where its bundled node-gyp is; else look beside npm itself. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  }
  // Run by hand (no npm environment): the npm that ships with this node.
  candidates.push(join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  try {
    candidates.push(createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js"));
  } catch {
    // not installed as a package: fine
  }
  return candidates.find((candidate) => existsSync(candidate));
}

function hasCompiler() {
  const cc = process.env.CC ?? "cc";
  return spawnSync(cc, ["--version"], { stdio: "ignore" }).status === 0;
}

function main() {
  if (process.env.MTRL_SKIP_NATIVE === "1") {
    say("native backend skipped (MTRL_SKIP_NATIVE=1); the wasm backend will be used.");
    return;
  }
  if (!hasCompiler()) {
    say("no C compiler found, native backend not built; the wasm backend will be used.");
    failed = true;
    return;
  }
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) {
    say("node-gyp not found, native backend not built; the wasm backend will be used.");
    failed = true;
    return;
  }
  const args = [nodeGyp, "rebuild"];
  // node-gyp downloads Node's headers unless told where they are, and this machine may be
  // offline: use the headers installed beside this node binary when npm has not said otherwise.
  const nodePrefix = join(dirname(process.execPath), "..");
  if (!process.env.npm_config_nodedir && existsSync(join(nodePrefix, "include", "node", "node_api.h"))) {
    args.push(`--nodedir=${nodePrefix}`);
  }
  const result = spawnSync(process.execPath, args, { cwd: nativeDir, encoding: "utf8" });
  if (result.status === 0) {
    say("native backend built (it finds a BLAS at run time; MTRL_BACKEND=wasm to skip it).");
    return;
  }
  const log = join(nativeDir, "build", "install.log");
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `${result.stdout ?? ""}\n${result.stderr ?? ""}\n${result.error?.stack ?? ""}`);
  const lines = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.split("\n");
  const firstError = (lines.find((line) => /\berror:/i.test(line)) ?? lines.find((line) => /ERR!.*Error/.test(line)))?.trim();
  failed = true;
  say(`native backend build failed (${firstError ?? `node-gyp exit ${result.status}`}); the wasm backend will be used. Full log: ${log}`);
}

try {
  main();
} catch (error) {
  failed = true;
  say(`native backend not built (${error instanceof Error ? error.message : String(error)}); the wasm backend will be used.`);
}
if (strict && failed) process.exitCode = 1;
