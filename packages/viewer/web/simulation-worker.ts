import { initMujoco } from "@mtrl/mtenv";
import { WasmKernels } from "@mtrl/nn";
import { PolicySession } from "../src/policy-session.js";
import { runRollout } from "../src/rollout.js";
import { readRunPolicy, RunFolderError, type RunFolderFiles } from "../src/run-folder-policy.js";
import type { LoadedRun, RunSource, SceneGeometry, ScenePoses, StepReport, ViewerRequest, ViewerResponse } from "../src/worker-protocol.js";

/**
 * The viewer's Web Worker: MuJoCo's WebAssembly build, the nn WASM kernels (one thread: the page
 * stays responsive, and the results are bit-identical to Node's wasm backend at any thread count)
 * and the PolicySession. It answers one request at a time, in order.
 */

/** The parts of a dedicated worker's global scope used here (typed without the webworker lib, which clashes with DOM). */
interface WorkerScope {
  readonly location: { readonly href: string; readonly origin: string };
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ViewerRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;
let kernels: WasmKernels | undefined;
let session: PolicySession | undefined;
let succeededInEpisode = false;

function send(response: ViewerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(response, transfer);
}

function filesFromSource(source: RunSource): RunFolderFiles {
  if (source.kind === "files") {
    const byPath = new Map(source.files.map((entry) => [entry.path, entry.file]));
    return {
      label: source.label,
      async read(path) {
        const file = byPath.get(path);
        return file === undefined ? undefined : new Uint8Array(await file.arrayBuffer());
      },
    };
  }
  // The page resolves the URL against its own address before sending it (a worker's location is its script's).
  const base = source.url.endsWith("/") ? source.url : `${source.url}/`;
  const baseUrl = new URL(base, scope.location.href);
  if (baseUrl.origin !== scope.location.origin) {
    throw new RunFolderError(`The run URL ${source.url} is on another origin (${baseUrl.origin}); the viewer only reads run folders served beside it. Copy the run folder under the viewer's public/ folder, or pick it with "Open run folder…".`);
  }
  return {
    label: source.label,
    async read(path) {
      const response = await fetch(new URL(path, baseUrl));
      // A missing file is a 404, or (dev servers that fall back to index.html) an HTML page.
      if (response.status === 404 || (response.ok && (response.headers.get("content-type") ?? "").includes("text/html"))) return undefined;
      if (!response.ok) throw new RunFolderError(`Fetching ${new URL(path, baseUrl).href} failed: HTTP ${response.status}.`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

function geometryOf(current: PolicySession): SceneGeometry | null {
  const physics = current.physics();
  if (physics === undefined) return null;
  const { geomCount, geomType, geomSize, geomRgba, geomGroup } = physics.geometry;
  return { geomCount, geomType: geomType.slice(), geomSize: geomSize.slice(), geomRgba: geomRgba.slice(), geomGroup: geomGroup.slice() };
}

function posesOf(current: PolicySession): ScenePoses | null {
  const physics = current.physics();
  // Copies: the views point into the WASM heap, which the next step rewrites.
  return physics === undefined ? null : { geomXpos: physics.geomXpos.slice(), geomXmat: physics.geomXmat.slice() };
}

function report(current: PolicySession, fields: Omit<StepReport, "task" | "poses" | "succeededInEpisode">): StepReport {
  if (fields.success) succeededInEpisode = true;
  return { ...fields, task: current.currentTask, poses: posesOf(current), succeededInEpisode };
}

async function handle(request: ViewerRequest): Promise<void> {
  if (request.type === "load") {
    const started = performance.now();
    await initMujoco();
    kernels ??= await WasmKernels.create({ threads: 1 });
    const run = await readRunPolicy(filesFromSource(request.source));
    const next = PolicySession.create(run, kernels);
    session?.close();
    session = next;
    const loaded: LoadedRun = {
      label: run.label,
      envId: run.config.env.id,
      step: run.step,
      taskNames: next.taskNames,
      observationSize: next.observationSize,
      actionSize: next.actionSize,
      metricsText: run.metricsText,
      loadMilliseconds: performance.now() - started,
    };
    send({ type: "loaded", id: request.id, run: loaded });
    return;
  }
  if (session === undefined) throw new RunFolderError("No policy is loaded yet: open a run folder first.");
  const current = session;
  if (request.type === "reset") {
    current.selectTask(request.task);
    const observation = current.reset(request.seed);
    succeededInEpisode = false;
    const fields = { episodeStep: 0, reward: 0, episodeReturn: 0, success: false, done: false, action: new Float32Array(current.actionSize), observation, stepsPerSecond: 0 };
    send({ type: "reset", id: request.id, geometry: geometryOf(current), report: report(current, fields) });
    return;
  }
  if (request.type === "step") {
    const started = performance.now();
    let last;
    let taken = 0;
    while (taken < request.count) {
      last = current.step();
      taken += 1;
      if (last.success) succeededInEpisode = true;
      if (last.terminated || last.truncated) break;
    }
    if (last === undefined) throw new RunFolderError("step needs a count of at least 1.");
    const seconds = (performance.now() - started) / 1000;
    const fields = { ...last, done: last.terminated || last.truncated, stepsPerSecond: seconds > 0 ? taken / seconds : 0 };
    send({ type: "step", id: request.id, report: report(current, fields) });
    return;
  }
  const rollout = runRollout(current, request.task, request.seed, request.steps);
  send(
    { type: "rollout", id: request.id, actions: rollout.actions, observations: rollout.observations, firstSuccessStep: rollout.firstSuccessStep, milliseconds: rollout.milliseconds },
    [rollout.actions.buffer, rollout.observations.buffer],
  );
}

// Requests run one after another: a step never overlaps a load.
let queue = Promise.resolve();
scope.onmessage = (event: MessageEvent<ViewerRequest>) => {
  const request = event.data;
  queue = queue.then(() =>
    handle(request).catch((error: unknown) => {
      send({ type: "error", id: request.id, message: error instanceof Error ? error.message : String(error) });
    }),
  );
};
