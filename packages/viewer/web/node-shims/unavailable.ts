/**
 * Browser stand-ins for the Node built-ins that modules on the viewer's import path import (see
 * vite.config.ts). The page never takes the paths that use them; if it ever does, the call fails
 * with this message instead of a confusing "undefined is not a function".
 */
export function unavailable(what: string): never {
  throw new Error(`${what} is a Node-only call and is not available in the browser viewer. The viewer reads run folders through its file picker or a URL and runs the WASM kernels on one thread; run this part in Node instead.`);
}
