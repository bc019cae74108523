import { unavailable } from "./unavailable.js";

/** node:module in the page: createRequire loads native addons, which a browser cannot. */
export const createRequire = (): ((id: string) => never) => (id: string) => unavailable(`require(${JSON.stringify(id)})`);
export default { createRequire };
