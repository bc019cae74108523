import { unavailable } from "./unavailable.js";

/**
 * node:fs/promises in the page. `readFile` of a URL fetches it: that is how @mtrl/nn reads its
 * committed kernels.wasm (`readFile(new URL("../../wasm/kernels.wasm", import.meta.url))`), which
 * the page serves beside its own files. Any other read throws.
 */
export async function readFile(target: unknown): Promise<Uint8Array> {
  const url = target instanceof URL ? target.href : typeof target === "string" && /^(https?|blob|data):/.test(target) ? target : undefined;
  if (url === undefined) return unavailable(`fs/promises.readFile(${String(target)})`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Fetching ${url} failed: HTTP ${response.status}. Serve the viewer with \`npm run viewer\` (or the files of \`npm run build:viewer\`).`);
  return new Uint8Array(await response.arrayBuffer());
}
export const writeFile = (): never => unavailable("fs/promises.writeFile");
export const mkdir = (): never => unavailable("fs/promises.mkdir");
export const readdir = (): never => unavailable("fs/promises.readdir");
export const stat = (): never => unavailable("fs/promises.stat");
export const rm = (): never => unavailable("fs/promises.rm");
export const open = (): never => unavailable("fs/promises.open");
export default { readFile, writeFile, mkdir, readdir, stat, rm, open };
