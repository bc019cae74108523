import { fileURLToPath } from "node:url";
import { defineConfig, defaultClientConditions, type Plugin } from "vite";

/**
 * The viewer runs the packages' TypeScript sources (the repository's "mtrl-source" export
 * condition), so the page runs exactly the code Node runs. A few modules on the page's import
 * path import Node built-ins for work the page never does (reading files, worker_threads, the
 * native BLAS addon); `browserShims` gives those imports small browser stand-ins
 * (web/node-shims/), each of which says what it replaces and throws a clear error if the page
 * ever calls something it cannot do.
 */
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const shimDirectory = fileURLToPath(new URL("./web/node-shims/", import.meta.url));
const shimmed = new Set(["fs", "fs/promises", "path", "os", "url", "worker_threads", "module", "crypto", "zlib", "child_process", "util", "events", "net", "stream"]);

function browserShims(): Plugin {
  return {
    name: "mtrl-viewer-node-shims",
    enforce: "pre",
    resolveId(source) {
      const bare = source.startsWith("node:") ? source.slice("node:".length) : source;
      if (!shimmed.has(bare)) return null;
      return `${shimDirectory}${bare.replace("/", "-")}.ts`;
    },
  };
}

/** SharedArrayBuffer (the nn kernels' WASM memory is shared) needs a cross-origin isolated page. */
const isolationHeaders = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root: fileURLToPath(new URL("./", import.meta.url)),
  base: "./",
  plugins: [browserShims()],
  resolve: { conditions: ["mtrl-source", ...defaultClientConditions] },
  worker: { format: "es", plugins: () => [browserShims()] },
  // mujoco.js finds mujoco.wasm beside itself (new URL("mujoco.wasm", import.meta.url)): keep it unbundled in dev.
  // The worker's dependencies are scanned up front too, so the dev server never reloads the page
  // on first use to add one.
  optimizeDeps: { exclude: ["mujoco"], entries: ["index.html", "web/simulation-worker.ts"] },
  server: { headers: isolationHeaders, fs: { allow: [repositoryRoot] } },
  preview: { headers: isolationHeaders },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2000 },
});
