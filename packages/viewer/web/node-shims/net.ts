import { unavailable } from "./unavailable.js";

/** node:net in the page (the sweep queue's sockets are a Node concern). */
export const connect = (): never => unavailable("net.connect");
export const createServer = (): never => unavailable("net.createServer");
export default { connect, createServer };
