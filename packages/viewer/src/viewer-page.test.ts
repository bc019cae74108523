import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { initMujoco } from "@mtrl/mtenv";
import { WasmKernels } from "@mtrl/nn";
import { chromium, type Browser, type Page } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { runFolderOnDisk } from "./node-run-folder.js";
import { PolicySession } from "./policy-session.js";
import { runRollout, type Rollout } from "./rollout.js";
import { readRunPolicy } from "./run-folder-policy.js";
import { SHIPPED_POLICY_FOLDER, SHIPPED_POLICY_SOLVED_TASKS } from "./shipped-policy.js";

/**
 * The viewer in Debian's headless Chromium: the built page (vite build + vite preview), the shipped
 * policy acting in its Web Worker, compared bit for bit with the same code in Node on the wasm
 * backend. Prints one JSON line of measurements (steps/s in the page and in Node, page load time).
 */

const CHROMIUM = "/usr/bin/chromium";
const viewerRoot = fileURLToPath(new URL("../", import.meta.url));
const configFile = join(viewerRoot, "vite.config.ts");
const STEPS = 200;
const SEED = 12345;
const MEASURED_STEPS = 1000;

interface PageRollout {
  readonly actionBits: number[];
  readonly observationBits: number[];
  readonly firstSuccessStep: number;
  readonly milliseconds: number;
}

describe("browser viewer (headless Chromium)", { timeout: 240_000 }, () => {
  let outDir: string;
  let server: PreviewServer;
  let origin: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  let loadMilliseconds = 0;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (\`apt-get install -y chromium\`, as .ci/run does), then run the tests again.`);
    outDir = mkdtempSync(join(tmpdir(), "mtrl-viewer-"));
    await build({ configFile, logLevel: "error", build: { outDir, emptyOutDir: true } });
    server = await preview({ configFile, logLevel: "error", build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: false, open: false } });
    const url = server.resolvedUrls?.local[0];
    assert.ok(url !== undefined, "vite preview reported no local URL");
    origin = new URL(url).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // SwiftShader gives headless Chromium WebGL without a GPU.
      args: ["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
      timeout: 30_000,
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("request", (request) => {
      const requested = new URL(request.url());
      if (requested.protocol !== "data:" && requested.protocol !== "blob:" && requested.origin !== origin) foreignRequests.push(request.url());
    });
    const started = performance.now();
    await page.goto(`${origin}/`, { waitUntil: "load" });
    await page.evaluate(() => (globalThis as unknown as { viewer: { ready: Promise<unknown> } }).viewer.ready);
    loadMilliseconds = performance.now() - started;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  });

  it("loads the shipped policy with no console error and no request outside its origin", async () => {
    const label = await page.textContent("#run-label");
    assert.match(label ?? "", /mt10/);
    assert.equal(await page.locator("#task option").count(), 10);
    assert.deepEqual(problems, []);
    assert.deepEqual(foreignRequests, []);
  });

  it("acts with the same bits as Node for the first 200 steps, and succeeds where Node does", async () => {
    await initMujoco();
    const kernels = await WasmKernels.create({ threads: 1 });
    const session = PolicySession.create(await readRunPolicy(runFolderOnDisk(SHIPPED_POLICY_FOLDER)), kernels);
    const measured: Array<{ task: number; page: number; node: number }> = [];
    try {
      for (const task of [0, ...SHIPPED_POLICY_SOLVED_TASKS.filter((t) => t !== 0)]) {
        const inNode: Rollout = runRollout(session, task, SEED, STEPS);
        const inPage = await page.evaluate(
          ([t, seed, steps]) => (globalThis as unknown as { viewer: { rollout(a: number, b: number, c: number): Promise<PageRollout> } }).viewer.rollout(t, seed, steps),
          [task, SEED, STEPS] as const,
        );
        const nodeActionBits = Array.from(new Uint32Array(inNode.actions.buffer));
        const nodeObservationBits = Array.from(new Uint32Array(inNode.observations.buffer));
        const firstActionDifference = nodeActionBits.findIndex((bits, i) => bits !== inPage.actionBits[i]);
        const firstObservationDifference = nodeObservationBits.findIndex((bits, i) => bits !== inPage.observationBits[i]);
        assert.equal(inPage.actionBits.length, nodeActionBits.length);
        assert.equal(firstActionDifference, -1, `task ${task}: page and Node actions differ first at float ${firstActionDifference}`);
        assert.equal(firstObservationDifference, -1, `task ${task}: page and Node observations differ first at float ${firstObservationDifference}`);
        assert.equal(inPage.firstSuccessStep, inNode.firstSuccessStep);
        if (SHIPPED_POLICY_SOLVED_TASKS.includes(task)) assert.ok(inPage.firstSuccessStep > 0, `task ${task} is listed as solved, but the page saw no success in ${STEPS} steps`);
      }
      // Speed after the runs above warmed both up: the same rollout function, 1000 steps, page then Node.
      const page1000 = await page.evaluate(
        ([seed, steps]) => (globalThis as unknown as { viewer: { rollout(a: number, b: number, c: number): Promise<PageRollout> } }).viewer.rollout(0, seed, steps),
        [SEED + 1, MEASURED_STEPS] as const,
      );
      const node1000 = runRollout(session, 0, SEED + 1, MEASURED_STEPS);
      measured.push({ task: 0, page: (MEASURED_STEPS / page1000.milliseconds) * 1000, node: (MEASURED_STEPS / node1000.milliseconds) * 1000 });
    } finally {
      session.close();
      kernels.close();
    }
    // Timings on a shared machine are noise-prone; they are reported, not asserted.
    console.log(JSON.stringify({ viewerMeasurements: { pageLoadMilliseconds: Math.round(loadMilliseconds), stepsPerSecond: measured.map((m) => ({ task: m.task, steps: MEASURED_STEPS, page: Math.round(m.page), node: Math.round(m.node) })) } }));
  });

  it("draws the 3-D view: not blank, and different after steps", async () => {
    await page.evaluate(() => (globalThis as unknown as { viewer: { reset(t: number, s: number): Promise<void> } }).viewer.reset(0, 3));
    const before = await canvasPixels(page);
    assert.ok(before.distinctColours > 20, `the 3-D view looks blank: ${before.distinctColours} distinct colours`);
    for (let i = 0; i < 30; i++) await page.evaluate(() => (globalThis as unknown as { viewer: { step(): Promise<void> } }).viewer.step());
    const after = await canvasPixels(page);
    assert.notEqual(after.hash, before.hash, "the 3-D view did not change in 30 steps");
    assert.notEqual(await page.textContent("#episode-step"), "0");
  });

  it("opens a run folder picked with the file picker, and refuses a folder that is not one", async () => {
    await page.setInputFiles("#folder-picker", join(viewerRoot, "web"));
    await page.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { hidden: boolean } } }).document.getElementById("message").hidden === false, undefined, { timeout: 30_000 });
    assert.match((await page.textContent("#message")) ?? "", /^web has no config\.yaml, so it is not a run folder/);
    await page.setInputFiles("#folder-picker", SHIPPED_POLICY_FOLDER);
    await page.waitForFunction(() => /^mt10-mtsac-seed1 \(checkpoint at step/.test((globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }).document.getElementById("run-label").textContent), undefined, { timeout: 30_000 });
    assert.equal(await page.isVisible("#message"), false);
  });

  it("says clearly what is wrong with a bad run folder", async () => {
    const error = await page.evaluate(() =>
      (globalThis as unknown as { viewer: { loadUrl(u: string): Promise<unknown> } }).viewer.loadUrl("policies/no-such-run/").then(
        () => "loaded",
        (reason: Error) => reason.message,
      ),
    );
    assert.match(error, /no config\.yaml, so it is not a run folder/);
    // The page shows the same message in its alert box.
    assert.equal(await page.isVisible("#message"), true);
    assert.match((await page.textContent("#message")) ?? "", /no config\.yaml, so it is not a run folder/);
  });
});

/** The 3-D canvas's pixels, copied through a 2-D canvas: how many colours, and a hash of them. */
async function canvasPixels(page: Page): Promise<{ distinctColours: number; hash: number }> {
  // The page's DOM, typed here by hand: this file is checked with Node's types, not the DOM lib's.
  interface Canvas {
    width: number;
    height: number;
    getContext(kind: "2d"): { drawImage(source: Canvas, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
  }
  type PageDocument = { getElementById(id: string): Canvas; createElement(tag: "canvas"): Canvas };
  return page.evaluate(() => {
    const document = (globalThis as unknown as { document: PageDocument }).document;
    const source = document.getElementById("scene");
    const copy = document.createElement("canvas");
    copy.width = source.width;
    copy.height = source.height;
    const context = copy.getContext("2d");
    context.drawImage(source, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    const colours = new Set<number>();
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 4) {
      const colour = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      colours.add(colour);
      hash = Math.imul(hash ^ colour, 16777619) >>> 0;
    }
    return { distinctColours: colours.size, hash };
  });
}
