/**
 * Writes docs/images/viewer.png: the viewer (vite dev server) in Debian's headless Chromium with
 * the shipped policy after some steps of one task.
 *
 *   NODE_OPTIONS=--conditions=mtrl-source node --import tsx packages/viewer/scripts/screenshot.ts [task] [steps] [seed]
 */
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createServer } from "vite";

const [task = 0, steps = 60, seed = 3] = process.argv.slice(2).map(Number);
const viewerRoot = fileURLToPath(new URL("../", import.meta.url));
const server = await createServer({ configFile: `${viewerRoot}vite.config.ts`, logLevel: "error", server: { host: "127.0.0.1", port: 0 } });
await server.listen();
const url = server.resolvedUrls?.local[0];
if (url === undefined) throw new Error("vite reported no local URL");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  page.on("pageerror", (error) => console.error(`page error: ${error.stack ?? error.message}`));
  await page.goto(`${url}?task=${task}&seed=${seed}`);
  type Handle = { viewer: { ready: Promise<unknown>; step(): Promise<void> } };
  // On its first start after a change, vite's dev server may reload the page once (it found a
  // dependency to pre-bundle): wait for the reloaded page then.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.evaluate(() => (globalThis as unknown as Handle).viewer.ready);
      break;
    } catch (error) {
      if (attempt === 3 || !/Execution context was destroyed|viewer is not defined|Cannot read properties of undefined/.test((error as Error).message)) throw error;
      await page.waitForLoadState("load");
    }
  }
  for (let i = 0; i < steps; i++) await page.evaluate(() => (globalThis as unknown as Handle).viewer.step());
  const path = `${viewerRoot}docs/images/viewer.png`;
  await page.screenshot({ path, timeout: 90_000 });
  console.log(path);
} finally {
  await browser.close();
  await server.close();
}
