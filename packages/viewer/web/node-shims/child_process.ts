import { unavailable } from "./unavailable.js";

/** node:child_process in the page. */
export const spawn = (): never => unavailable("child_process.spawn");
export const spawnSync = (): never => unavailable("child_process.spawnSync");
export const execFileSync = (): never => unavailable("child_process.execFileSync");
export const fork = (): never => unavailable("child_process.fork");
export const execFile = (): never => unavailable("child_process.execFile");
export type ChildProcess = never;
export default { spawn, spawnSync, execFileSync, fork };
