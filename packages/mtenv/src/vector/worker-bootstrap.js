// The entry of a ParallelVectorEnv worker thread. Worker threads start without the parent's module
// hooks (the vector env passes execArgv: []), so which worker-main to load depends on where this
// file is: in the built package (dist/, where the build copies this file) it is the compiled
// worker-main.js beside it; in the repository's sources (the tests) it is worker-main.ts, for
// which tsx is registered first through its API, whether the parent ran under `node --import tsx`
// or tsx's register().
import { existsSync } from "node:fs";

const source = new URL("./worker-main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("./worker-main.js", import.meta.url).href);
}
