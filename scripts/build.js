// @ts-check
/**
 * `npm run build` (and the root `prepare` script, so `npm ci` runs it): compiles every package with
 * `tsc -b` (src/ to dist/: JavaScript and declarations, tests left out), then copies the runtime
 * files that are not TypeScript — worker scripts and the report's browser assets — to the same
 * place under dist/, so that the compiled modules find them through the same
 * `new URL("./…", import.meta.url)` as the sources do. Files outside src/ (nn's wasm/ and native/,
 * mtrl's config/) are found from the package root, which is the same distance from src/ and dist/.
 *
 * Outputs whose source is gone (a deleted or renamed file, a file now excluded such as a test
 * helper) are removed, since `tsc -b` leaves them behind and `npm pack` would ship them.
 *
 * Plain JavaScript: it runs during `npm ci`, and needs nothing but Node and TypeScript.
 * `--clean` removes every dist/ first.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const packages = ["core", "mtenv", "nn", "mtrl"].map((name) => join(root, "packages", name));

if (process.argv.includes("--clean")) {
  for (const dir of packages) rmSync(join(dir, "dist"), { recursive: true, force: true });
}

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (result.status !== 0) {
  console.error(`build: tsc -b failed (exit ${result.status ?? result.signal}); the errors are above.`);
  process.exit(result.status ?? 1);
}

/** Every file under `dir`, recursively. */
function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Whether a path relative to src/ belongs to the tests (test files and testing/ helpers), which stay out of dist/. */
function isTestFile(path) {
  return /\.test\.[cm]?[jt]s$/.test(path) || path.split(/[\\/]/).includes("testing");
}

/** Runtime files tsc does not emit: anything in src/ that is not TypeScript (and not a test file). */
function isRuntimeAsset(path) {
  return !path.endsWith(".ts") && !isTestFile(path);
}

/** Whether the output `path` (relative to dist/) still has its source in `src`. */
function hasSource(src, path) {
  if (path === "tsconfig.tsbuildinfo") return true;
  if (isTestFile(path)) return false;
  const compiledFrom = path.replace(/\.d\.ts$|\.js$/, ".ts");
  return (compiledFrom !== path && existsSync(join(src, compiledFrom))) || (isRuntimeAsset(path) && existsSync(join(src, path)));
}

/** Removes the empty folders under `dir` (left by removed outputs), deepest first. */
function removeEmptyFolders(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyFolders(join(dir, entry.name));
  }
  if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}

let copied = 0;
let removed = 0;
for (const dir of packages) {
  const src = join(dir, "src");
  const dist = join(dir, "dist");
  for (const path of walk(dist)) {
    if (hasSource(src, relative(dist, path))) continue;
    rmSync(path);
    removed++;
  }
  removeEmptyFolders(dist);
  for (const path of walk(src)) {
    if (!isRuntimeAsset(relative(src, path))) continue;
    const target = join(dir, "dist", relative(src, path));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(path, target);
    copied++;
  }
}
const stale = removed > 0 ? `, ${removed} stale outputs removed` : "";
console.log(`build: packages compiled to packages/*/dist/ (${copied} runtime files copied beside them${stale}).`);
