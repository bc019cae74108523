import type { LoadedRun, RunSource, StepReport, ViewerRequest, ViewerResponse } from "../src/worker-protocol.js";
import { drawSeries, evalSeries } from "./curves-view.js";
import { SceneView } from "./scene-view.js";

/**
 * The viewer page: it asks the simulation worker for steps and draws what comes back (3-D view,
 * reward, success, action, observation), and draws the run's curves. `?run=<url of a run folder>`
 * picks the run (default: the shipped MT10 policy), `?task=<index>` and `?seed=<n>` the episode.
 */

const DEFAULT_RUN = "policies/mt10-mtsac-seed1/";

type Distribute<T> = T extends unknown ? Omit<T, "id"> : never;
type Request = Distribute<ViewerRequest>;

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`index.html has no #${id}`);
  return found as T;
};

const worker = new Worker(new URL("./simulation-worker.ts", import.meta.url), { type: "module" });
const pending = new Map<number, { resolve: (response: ViewerResponse) => void; reject: (error: Error) => void }>();
let nextId = 1;
worker.onmessage = (event: MessageEvent<ViewerResponse>) => {
  const waiting = pending.get(event.data.id);
  if (waiting === undefined) return;
  pending.delete(event.data.id);
  if (event.data.type === "error") waiting.reject(new Error(event.data.message));
  else waiting.resolve(event.data);
};

function request(message: Request): Promise<ViewerResponse> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...message, id } as ViewerRequest);
  });
}

const scene = new SceneView(element<HTMLCanvasElement>("scene"));
const taskSelect = element<HTMLSelectElement>("task");
const seedInput = element<HTMLInputElement>("seed");
const playButton = element<HTMLButtonElement>("play");
const messageBox = element<HTMLDivElement>("message");
const parameters = new URLSearchParams(location.search);
let loaded: LoadedRun | undefined;
let playing = false;
let episodeDone = false;
let episodesStarted = 0;

function showMessage(text: string | null): void {
  messageBox.hidden = text === null;
  messageBox.textContent = text ?? "";
}

function show(report: StepReport): void {
  element("episode-step").textContent = String(report.episodeStep);
  element("reward").textContent = report.reward.toFixed(4);
  element("episode-return").textContent = report.episodeReturn.toFixed(2);
  const success = element("success");
  success.textContent = report.success ? "yes" : report.succeededInEpisode ? "earlier in this episode" : "no";
  success.className = report.success || report.succeededInEpisode ? "yes" : "";
  element("speed").textContent = report.stepsPerSecond > 0 ? report.stepsPerSecond.toFixed(0) : "–";
  element("action").textContent = Array.from(report.action, (v) => v.toFixed(4)).join("\n");
  element("observation").textContent = Array.from(report.observation, (v, i) => `${String(i).padStart(2)}  ${v.toFixed(5)}`).join("\n");
  if (report.poses !== null) scene.setPoses(report.poses);
  episodeDone = report.done;
}

/** A run folder URL as the worker needs it: absolute (a worker resolves against its own script), labelled as typed. */
function urlSource(url: string): RunSource {
  return { kind: "url", url: new URL(url, location.href).href, label: url.replace(/\/+$/, "") };
}

async function load(source: RunSource): Promise<void> {
  playing = false;
  playButton.textContent = "Play";
  const response = await request({ type: "load", source });
  if (response.type !== "loaded") return;
  loaded = response.run;
  element("run-label").textContent = `${loaded.label} (checkpoint at step ${loaded.step})`;
  element("env-id").textContent = loaded.envId;
  taskSelect.replaceChildren(...loaded.taskNames.map((name, i) => new Option(`${i}: ${name}`, String(i))));
  const task = Number(parameters.get("task") ?? "0");
  if (Number.isInteger(task) && task >= 0 && task < loaded.taskNames.length) taskSelect.value = String(task);
  drawSeries(element<HTMLCanvasElement>("success-curves"), "evaluation success per task", evalSeries(loaded.metricsText, "success"));
  drawSeries(element<HTMLCanvasElement>("return-curves"), "evaluation return per task", evalSeries(loaded.metricsText, "return"));
  showMessage(null);
  await reset();
}

async function reset(seed = Number(seedInput.value)): Promise<void> {
  episodesStarted = 0;
  await resetTo(seed);
}

async function resetTo(seed: number): Promise<void> {
  const response = await request({ type: "reset", task: Number(taskSelect.value), seed });
  if (response.type !== "reset") return;
  if (response.geometry !== null && response.report.poses !== null) scene.setGeometry(response.geometry, response.report.poses);
  else scene.clear();
  show(response.report);
}

async function stepOnce(): Promise<void> {
  // A finished episode continues with the next seed, so playing runs episode after episode.
  if (episodeDone) await resetTo(Number(seedInput.value) + (episodesStarted += 1));
  const response = await request({ type: "step", count: 1 });
  if (response.type === "step") show(response.report);
}

async function playLoop(): Promise<void> {
  while (playing) {
    await stepOnce();
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

function guard(action: () => Promise<void>): () => void {
  return () => {
    action().catch((error: unknown) => {
      playing = false;
      playButton.textContent = "Play";
      showMessage((error as Error).message);
    });
  };
}

element("reset").addEventListener("click", guard(() => reset()));
element("step").addEventListener("click", guard(stepOnce));
taskSelect.addEventListener("change", guard(() => reset()));
playButton.addEventListener("click", () => {
  playing = !playing;
  playButton.textContent = playing ? "Pause" : "Play";
  if (playing) guard(playLoop)();
});
element<HTMLInputElement>("folder-picker").addEventListener("change", (event) => {
  const input = event.target as HTMLInputElement;
  const picked = Array.from(input.files ?? []);
  if (picked.length === 0) return;
  // webkitRelativePath is "<folder>/<path inside it>".
  const label = picked[0]!.webkitRelativePath.split("/")[0] ?? "picked folder";
  const files = picked.map((file) => ({ path: file.webkitRelativePath.split("/").slice(1).join("/"), file: file as Blob }));
  guard(() => load({ kind: "files", label, files }))();
  input.value = "";
});
for (const [tab, view] of [["tab-policy", "policy-view"], ["tab-curves", "curves-view"]] as const) {
  element(tab).addEventListener("click", () => {
    for (const [otherTab, otherView] of [["tab-policy", "policy-view"], ["tab-curves", "curves-view"]] as const) {
      element(otherTab).classList.toggle("active", otherTab === tab);
      element(otherView).hidden = otherView !== view;
    }
    if (view === "curves-view" && loaded !== undefined) {
      drawSeries(element<HTMLCanvasElement>("success-curves"), "evaluation success per task", evalSeries(loaded.metricsText, "success"));
      drawSeries(element<HTMLCanvasElement>("return-curves"), "evaluation return per task", evalSeries(loaded.metricsText, "return"));
    }
  });
}

const seedParameter = parameters.get("seed");
if (seedParameter !== null) seedInput.value = seedParameter;
const ready = load(urlSource(parameters.get("run") ?? DEFAULT_RUN));
ready.catch((error: unknown) => showMessage((error as Error).message));

/**
 * A small handle for scripted use (the browser test): the same requests the buttons send, plus a
 * fixed-length rollout whose actions and observations come back as their float32 bit patterns.
 */
const automation = {
  ready: ready.then(() => loaded),
  async rollout(task: number, seed: number, steps: number) {
    const response = await request({ type: "rollout", task, seed, steps });
    if (response.type !== "rollout") throw new Error("unexpected reply to rollout");
    return {
      actionBits: Array.from(new Uint32Array(response.actions.buffer)),
      observationBits: Array.from(new Uint32Array(response.observations.buffer)),
      firstSuccessStep: response.firstSuccessStep,
      milliseconds: response.milliseconds,
    };
  },
  async loadUrl(url: string) {
    try {
      await load(urlSource(url));
    } catch (error) {
      showMessage((error as Error).message);
      throw error;
    }
    return loaded;
  },
  async reset(task: number, seed: number) {
    taskSelect.value = String(task);
    await reset(seed);
  },
  step: stepOnce,
};
(globalThis as unknown as { viewer: typeof automation }).viewer = automation;
