import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { MetricsWriter, readMetrics } from "../run-folder/metrics.js";
import { createRunDir } from "../run-folder/run-dir.js";
import { inspectPageInChromium } from "../testing/headless-chromium.js";
import { buildReportData, downsample } from "./report-data.js";
import { jsonForScript } from "./html-page.js";
import { writeReport } from "./write-report.js";

const TASKS = ["reach", "push", "pick-place"];
const TRAIN_KEYS = ["train/critic_loss", "train/actor_loss", "train/alpha_loss", "train/alpha/reach"];

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** A run folder with a synthetic but realistic metrics.jsonl: 3 tasks, 10 evaluations, 4 train keys. */
function syntheticRun(): string {
  const root = mkdtempSync(join(tmpdir(), "mtrl-report-"));
  temporaryDirs.push(root);
  const paths = createRunDir(join(root, "runs"), "synthetic-mtsac-seed1");
  writeFileSync(paths.config, "env:\n  id: MT-Synthetic-v0\n  kwargs: {}\n  numTasks: 3\n# </script><script>window.injected = true</script>\n");
  const writer = MetricsWriter.open(paths.metrics);
  for (let step = 10; step <= 1000; step += 10) {
    const progress = step / 1000;
    writer.writeTrain(step, {
      "train/critic_loss": 5 * Math.exp(-3 * progress) + 0.1 * Math.sin(step),
      "train/actor_loss": -10 * progress,
      "train/alpha_loss": step === 500 ? Number.NaN : 0.5 - progress,
      "train/alpha/reach": Math.exp(-progress),
    });
    if (step % 100 === 0) {
      const metrics: Record<string, number> = {};
      TASKS.forEach((task, index) => {
        metrics[`eval/return/${task}`] = -1000 + 900 * progress * (index + 1) / TASKS.length;
        metrics[`eval/success/${task}`] = Math.min(1, progress * (index + 1));
      });
      writer.writeEval(step, metrics);
    }
  }
  writer.close();
  return paths.dir;
}

describe("report data", () => {
  test("per-task success and return series with a mean line, one loss chart per train key", () => {
    const runDir = syntheticRun();
    const data = buildReportData(readMetrics(join(runDir, "metrics.jsonl")), { runName: "r", configText: "" });
    assert.equal(data.lastStep, 1000);
    assert.equal(data.evalRows, 10);
    assert.equal(data.trainRows, 100);
    assert.deepEqual(data.success?.series.map((series) => series.name), [...TASKS, "mean"]);
    assert.deepEqual(data.returns?.series.map((series) => series.name), [...TASKS, "mean"]);
    assert.deepEqual(data.success?.yRange, [0, 1]);
    assert.deepEqual(data.losses.map((chart) => chart.title), TRAIN_KEYS);
    const alphaLoss = data.losses[2]!.series[0]!;
    assert.equal(alphaLoss.values[alphaLoss.steps.indexOf(500)], null, "NaN becomes a gap");
    assert.deepEqual(data.finalEval?.tasks.map((task) => task.task), TASKS);
  });

  test("environments without success flags get no success chart", () => {
    const data = buildReportData([{ kind: "eval", step: 5, "eval/return/task0": -3 }], { runName: "r", configText: "" });
    assert.equal(data.success, null);
    assert.equal(data.returns?.series.length, 1, "a single task draws no separate mean line");
  });

  test("long series are averaged into at most the point budget", () => {
    const steps = Array.from({ length: 10 }, (_, index) => index + 1);
    const values = [1, 3, 5, 7, null, null, 2, 2, 4, 6];
    assert.deepEqual(downsample(steps, values, 5), { steps: [2, 4, 6, 8, 10], values: [2, 6, null, 2, 5] });
    assert.deepEqual(downsample(steps, values, 20).values, values);
  });

  test("embedded JSON cannot close the script element", () => {
    const json = jsonForScript({ text: "</script><script>alert(1)</script>" });
    assert.ok(!json.includes("</script"));
    assert.deepEqual(JSON.parse(json), { text: "</script><script>alert(1)</script>" });
  });

  test("report.html is self-contained: no external scripts, styles, images or links", () => {
    const html = readFileSync(writeReport(syntheticRun()).report, "utf8");
    assert.doesNotMatch(html, /<script[^>]+src=/i);
    assert.doesNotMatch(html, /<link[^>]+href=/i);
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  });
});

describe("report.html in headless Chromium", () => {
  test("renders every chart with drawn lines, no console errors and no network requests", async () => {
    const report = writeReport(syntheticRun()).report;
    await inspectPageInChromium(report, async (page, { url, problems, requests }) => {
      const charts = await page.$$eval("svg.chart", (svgs) =>
        svgs.map((svg) => ({
          id: svg.closest("figure")?.id ?? "",
          width: svg.getBoundingClientRect().width,
          drawnPaths: [...svg.querySelectorAll("path.series")].filter((path) => (path as unknown as { getTotalLength(): number }).getTotalLength() > 10).length,
          points: svg.querySelectorAll("circle.point").length,
          tickLabels: svg.querySelectorAll(".grid text").length,
        })),
      );
      assert.deepEqual(
        charts.map((chart) => chart.id),
        ["eval-success", "eval-return", "train-train-critic_loss", "train-train-actor_loss", "train-train-alpha_loss", "train-train-alpha-reach"],
      );
      for (const chart of charts) {
        assert.ok(chart.width > 200, `${chart.id} is laid out (width ${chart.width})`);
        assert.ok(chart.drawnPaths >= 1, `${chart.id} has a drawn line`);
        assert.ok(chart.tickLabels >= 4, `${chart.id} has axis tick labels`);
      }
      assert.equal(charts[0]!.drawnPaths, TASKS.length + 1, "one line per task plus the mean");
      assert.equal(charts[0]!.points, (TASKS.length + 1) * 10);

      const tableRows = await page.$$eval("table.summary tr", (rows) => rows.map((row) => row.textContent ?? ""));
      assert.equal(tableRows.length, 1 + TASKS.length + 1);
      assert.match(tableRows.at(-1)!, /mean over tasks/);
      assert.match(await page.textContent("pre.config") ?? "", /MT-Synthetic-v0/);
      assert.equal(await page.evaluate(() => (globalThis as unknown as { injected?: boolean }).injected), undefined, "config text is inert");

      await page.hover("#eval-return svg.chart", { position: { x: 400, y: 120 } });
      assert.match((await page.textContent("#eval-return .tooltip")) ?? "", /^step \d+\nreach: /);

      assert.deepEqual(problems, []);
      assert.deepEqual(requests, [url], "the report loads nothing but itself");
    });
  });
});
