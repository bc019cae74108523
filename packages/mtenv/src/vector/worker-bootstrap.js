// Worker threads start without the parent's module hooks (the vector env passes execArgv: []),
// so TypeScript support is registered here through tsx's API before the worker itself is loaded.
// This works the same whether the parent ran under `node --import tsx` or tsx's register().
import { register } from "tsx/esm/api";

register();
await import(new URL("./worker-main.ts", import.meta.url).href);
