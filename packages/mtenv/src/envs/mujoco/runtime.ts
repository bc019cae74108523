import loadMujoco, { type DoubleBuffer, type MainModule, type MjModel } from "mujoco";
import { MujocoError } from "../../core/errors.js";

/**
 * The one place that loads the MuJoCo WebAssembly module. Loading is asynchronous (~0.3 s) and
 * happens once per process or worker thread; `make()` is synchronous, so callers must
 * `await initMujoco()` once before making a MuJoCo environment.
 */

let loadedModule: MainModule | undefined;
let pendingLoad: Promise<MainModule> | undefined;
/** A one-element buffer whose view tells the current size of the WASM heap. */
let heapProbe: DoubleBuffer | undefined;
let heapBytesSeen = 0;
let heapGenerationCounter = 0;
let modelFileCounter = 0;

const MODEL_DIRECTORY = "/mtenv-models";

/** What `initMujoco` reports about the loaded engine. */
export interface MujocoRuntimeInfo {
  /** MuJoCo's own version string, e.g. "3.5.1" (the npm package version differs). */
  readonly version: string;
  /** Milliseconds the first load took (0 when it was already loaded). */
  readonly loadMilliseconds: number;
}

/**
 * Loads the MuJoCo WebAssembly module once per process/worker; later calls return at once.
 * Must be awaited before making any MuJoCo environment (e.g. `MT-DMC-Cartpole-Swingup-v0`).
 */
export async function initMujoco(): Promise<MujocoRuntimeInfo> {
  if (loadedModule !== undefined) return { version: loadedModule.mj_versionString(), loadMilliseconds: 0 };
  const started = performance.now();
  pendingLoad ??= loadMujoco().then((module) => {
    module.FS.mkdir(MODEL_DIRECTORY);
    heapProbe = new module.DoubleBuffer(1);
    loadedModule = module;
    heapBytesSeen = currentHeapBytes();
    return module;
  });
  let module: MainModule;
  try {
    module = await pendingLoad;
  } catch (error) {
    pendingLoad = undefined;
    throw new MujocoError(`Loading the MuJoCo WebAssembly module (npm package "mujoco") failed: ${messageOf(error)}. Reinstall with \`npm ci\`.`);
  }
  return { version: module.mj_versionString(), loadMilliseconds: performance.now() - started };
}

/** True once `initMujoco()` has finished in this process/worker. */
export function isMujocoReady(): boolean {
  return loadedModule !== undefined;
}

/** The loaded module; throws a MujocoError that says what to do when `initMujoco()` was not awaited. */
export function mujocoModule(): MainModule {
  if (loadedModule === undefined) {
    throw new MujocoError(
      "MuJoCo is not initialised in this process/worker. `await initMujoco()` (exported by @mtrl/mtenv) once before making a MuJoCo environment; make() is synchronous and cannot load the WebAssembly module itself.",
    );
  }
  return loadedModule;
}

/**
 * Increments whenever the WASM heap has grown. Typed-array views into the heap that were taken
 * before a growth may be stale (detached for a plain ArrayBuffer, too short for a
 * SharedArrayBuffer), so holders of cached views compare generations and re-fetch.
 */
export function heapGeneration(): number {
  return heapGenerationCounter;
}

/** Bytes of WASM heap currently reserved (it only grows). */
export function currentHeapBytes(): number {
  if (heapProbe === undefined) return 0;
  return (heapProbe.GetView() as Float64Array).buffer.byteLength;
}

/** Call after anything that may allocate inside the WASM heap. */
export function noteHeapAllocation(): void {
  const bytes = currentHeapBytes();
  if (bytes !== heapBytesSeen) {
    heapBytesSeen = bytes;
    heapGenerationCounter += 1;
  }
}

/**
 * Compiles an MJCF string. MuJoCo loads only from its virtual file system, so the XML is written
 * to a unique temporary file that is removed again. A rejected model throws a MujocoError whose
 * message carries MuJoCo's own text (element, attribute and line).
 */
export function compileModel(xml: string, label: string): MjModel {
  const module = mujocoModule();
  const path = `${MODEL_DIRECTORY}/model-${(modelFileCounter += 1)}.xml`;
  module.FS.writeFile(path, xml);
  try {
    return module.MjModel.mj_loadXML(path);
  } catch (error) {
    throw new MujocoError(`MuJoCo rejected the model "${label}": ${messageOf(error).replace(/^Error:\s*/, "").trim()}. Fix the MJCF and try again.`);
  } finally {
    module.FS.unlink(path);
    noteHeapAllocation();
  }
}

interface SharedModel {
  readonly model: MjModel;
  users: number;
}

/** Compiled models by XML text, shared by every simulation of the same XML while any is open. */
const sharedModels = new Map<string, SharedModel>();

/**
 * A compiled model for `xml`, shared with the other open simulations of the same XML: compiling
 * takes 2–20 ms in the WASM build, while a simulation only needs its own MjData. Every
 * `acquireModel` must be paired with one `releaseModel`; the last release frees the model.
 */
export function acquireModel(xml: string, label: string): MjModel {
  const shared = sharedModels.get(xml);
  if (shared !== undefined) {
    shared.users += 1;
    return shared.model;
  }
  const model = compileModel(xml, label);
  sharedModels.set(xml, { model, users: 1 });
  return model;
}

/** Gives back a model from `acquireModel`; frees it when no simulation uses it any more. */
export function releaseModel(xml: string): void {
  const shared = sharedModels.get(xml);
  if (shared === undefined) return;
  shared.users -= 1;
  if (shared.users === 0) {
    sharedModels.delete(xml);
    shared.model.delete();
  }
}

/** Number of distinct compiled models alive (for tests of the sharing and freeing). */
export function liveModelCount(): number {
  return sharedModels.size;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
