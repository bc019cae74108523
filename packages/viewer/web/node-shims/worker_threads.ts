import { unavailable } from "./unavailable.js";

/**
 * node:worker_threads in the page: the viewer runs everything in one Web Worker and the nn WASM
 * kernels on one thread (bit-identical to two), so no Node worker thread is ever started.
 */
export const isMainThread = true;
export const parentPort = null;
export const workerData = undefined;
export const MessageChannel = globalThis.MessageChannel;
export type MessagePort = globalThis.MessagePort;
export const receiveMessageOnPort = (): never => unavailable("worker_threads.receiveMessageOnPort");
export class Worker {
  constructor() {
    unavailable("new worker_threads.Worker");
  }
}
export default { isMainThread, parentPort, workerData, MessageChannel, receiveMessageOnPort, Worker };
