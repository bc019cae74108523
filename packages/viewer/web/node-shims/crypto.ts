import { unavailable } from "./unavailable.js";

/** node:crypto in the page (checkpoint digests are a Node concern). */
export const createHash = (): never => unavailable("crypto.createHash");
export const randomUUID = (): string => globalThis.crypto.randomUUID();
export const randomBytes = (): never => unavailable("crypto.randomBytes");
export default { createHash, randomUUID, randomBytes };
