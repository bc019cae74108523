import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";

/** Opens self-contained pages (report.html, compare.html) in Debian's headless Chromium, for tests. */

export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What a page did besides drawing: console errors and warnings, page errors, failed and all requests. */
export interface PageActivity {
  readonly url: string;
  readonly problems: string[];
  readonly requests: string[];
}

/**
 * Loads `file`, waits until its script marks `body[data-rendered=true]`, and runs `inspect`. Fails
 * with the install command when Chromium is missing.
 */
export async function inspectPageInChromium(file: string, inspect: (page: Page, activity: PageActivity) => Promise<void>): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    assert.fail(
      `${CHROMIUM} is missing: the page tests render the HTML in Debian's Chromium. ` +
        "Install it with `sudo apt-get install -y chromium` (.ci/run does this), then run the tests again.",
    );
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const activity: PageActivity = { url: pathToFileURL(file).href, problems: [], requests: [] };
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") activity.problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => activity.problems.push(`page error: ${error.message}`));
    page.on("requestfailed", (request) => activity.problems.push(`failed request: ${request.url()} ${request.failure()?.errorText ?? ""}`));
    page.on("request", (request) => activity.requests.push(request.url()));
    await page.goto(activity.url, { waitUntil: "load" });
    await page.waitForSelector("body[data-rendered=true]", { timeout: 10_000 });
    await inspect(page, activity);
  } finally {
    await browser.close();
  }
}
