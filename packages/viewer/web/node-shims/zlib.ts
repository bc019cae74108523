import { unavailable } from "./unavailable.js";

/** node:zlib in the page (PNG encoding of rendered frames is a Node concern). */
export const deflateSync = (): never => unavailable("zlib.deflateSync");
export const inflateSync = (): never => unavailable("zlib.inflateSync");
export const crc32 = (): never => unavailable("zlib.crc32");
export default { deflateSync, inflateSync, crc32 };
