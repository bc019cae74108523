import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { composeConfig } from "../config/compose.js";
import { stringifyTrainConfig } from "../config/config-file.js";
import { MetricsWriter } from "../run-folder/metrics.js";
import { createRunDir, type RunPaths } from "../run-folder/run-dir.js";
import { inspectPageInChromium } from "../testing/headless-chromium.js";
import { buildCompareData, meanAndSd, type CompareData } from "./compare-data.js";
import { groupRuns, readRunComposition } from "./run-groups.js";
import { runMain } from "../testing/cli-runs.js";

const TASKS = ["reach", "push"];

const temporaryDirs: string[] = [];
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mtrl-compare-"));
  temporaryDirs.push(dir);
  return dir;
}

/** config.yaml text as `npx mtrl train <args>` writes it (header comment included). */
function configText(args: string[]): string {
  const composed = composeConfig(args);
  return stringifyTrainConfig(composed.config, composed);
}

/**
 * A tiny run folder: config.yaml composed from `args`, and metrics.jsonl with train rows and an
 * evaluation every 10 steps up to `lastStep`, whose values are `level` plus the step / 100 (return)
 * and level / 10 (success).
 */
function tinyRun(runsDir: string, name: string, args: string[], level: number, lastStep = 30): RunPaths {
  const run = createRunDir(runsDir, name);
  writeFileSync(run.config, configText(args));
  const writer = MetricsWriter.open(run.metrics);
  for (let step = 10; step <= lastStep; step += 10) {
    writer.writeTrain(step, { "train/critic_loss": 1 / step });
    const metrics: Record<string, number> = {};
    TASKS.forEach((task, index) => {
      metrics[`eval/return/${task}`] = level + step / 100 + index;
      metrics[`eval/success/${task}`] = Math.min(1, level / 10);
    });
    writer.writeEval(step, metrics);
  }
  writer.close();
  return run;
}


function embeddedData(html: string): CompareData {
  const json = /<script type="application\/json" id="compare-data">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json !== undefined, "compare.html embeds its data");
  return JSON.parse(json) as CompareData;
}

describe("groups of runs", () => {
  test("by agent: the agent option and agent.* overrides of config.yaml's header; by env; none", () => {
    const runs = [
      { name: "a1", composition: readRunComposition(configText(["agent=mtsac", "seed=1"]), "a1") },
      { name: "b1", composition: readRunComposition(configText(["agent=care", "seed=1"]), "b1") },
      { name: "a2", composition: readRunComposition(configText(["agent=mtsac", "seed=2"]), "a2") },
      { name: "c1", composition: readRunComposition(configText(["agent=mtsac", "agent.alpha.type=shared", "agent.actor.trunk.hiddenSizes=[64, 64]"]), "c1") },
    ];
    assert.deepEqual(groupRuns(runs, "agent"), {
      groups: [
        { label: "mtsac", runs: ["a1", "a2"] },
        { label: "care", runs: ["b1"] },
        { label: "mtsac agent.actor.trunk.hiddenSizes=[64, 64] agent.alpha.type=shared", runs: ["c1"] },
      ],
      sharedOverrides: [],
    });
    assert.deepEqual(groupRuns(runs, "env").groups.map((group) => group.runs), [["a1", "b1", "a2", "c1"]]);
    assert.deepEqual(groupRuns(runs, "none").groups.map((group) => group.label), ["a1", "b1", "a2", "c1"]);
  });

  test("overrides every group has are left out of the labels; their order does not matter", () => {
    const runs = [
      { name: "a", composition: readRunComposition(configText(["agent=mtsac", "agent.batchSize=16", "agent.discount=0.9"]), "a") },
      { name: "b", composition: readRunComposition(configText(["agent=care", "agent.discount=0.9", "agent.batchSize=16"]), "b") },
      { name: "c", composition: readRunComposition(configText(["agent=mtsac", "agent.discount=0.9", "agent.batchSize=16", "seed=4"]), "c") },
    ];
    assert.deepEqual(groupRuns(runs, "agent"), {
      groups: [
        { label: "mtsac", runs: ["a", "c"] },
        { label: "care", runs: ["b"] },
      ],
      sharedOverrides: ["agent.batchSize=16", "agent.discount=0.9"],
    });
  });

  test("a config.yaml without the header (a run made from code) is grouped by its resolved section", () => {
    const bare = (args: string[]) => configText(args).replace(/^#.*\n/gm, "");
    const runs = [
      { name: "x", composition: readRunComposition(bare(["agent=mtsac", "seed=1"]), "x") },
      { name: "y", composition: readRunComposition(bare(["agent=mtsac", "seed=2"]), "y") },
      { name: "z", composition: readRunComposition(bare(["agent=care"]), "z") },
    ];
    assert.equal(runs[0]!.composition.choices, null);
    assert.deepEqual(groupRuns(runs, "agent").groups, [
      { label: "agent of x", runs: ["x", "y"] },
      { label: "agent of z", runs: ["z"] },
    ]);
    assert.throws(() => readRunComposition("- just a list\n", "bad/config.yaml"), /bad\/config\.yaml should hold the run's resolved config/);
  });
});

describe("compare data", () => {
  test("mean and sample sd; none below two values; non-finite values left out", () => {
    assert.deepEqual(meanAndSd([1, 3]), { mean: 2, sd: Math.SQRT2, n: 2 });
    assert.deepEqual(meanAndSd([5, Number.NaN]), { mean: 5, sd: null, n: 1 });
    assert.deepEqual(meanAndSd([]), { mean: null, sd: null, n: 0 });
  });

  test("per group and step: mean ± sd over the runs that evaluated at that step", () => {
    const runsDir = join(temporaryDir(), "runs");
    const rows = (level: number, lastStep: number) => {
      const run = tinyRun(runsDir, `run-${level}-${lastStep}`, ["agent=mtsac"], level, lastStep);
      return readFileSync(run.metrics, "utf8").trim().split("\n").map((line) => JSON.parse(line) as never);
    };
    const runs = [
      { name: "s1", rows: rows(1, 30) },
      { name: "s2", rows: rows(3, 20) },
    ];
    const data = buildCompareData(runs, { groups: [{ label: "mtsac", runs: ["s1", "s2"] }], sharedOverrides: [] }, "agent");
    const reach = data.returns.find((chart) => chart.id === "return-task-reach")!;
    const series = reach.series[0]!;
    assert.deepEqual(series.steps, [10, 20, 30]);
    assert.deepEqual(series.values, [2.1, 2.2, 1.3]);
    assert.deepEqual(series.counts, [2, 2, 1]);
    assert.deepEqual(series.spread, [Math.SQRT2, Math.SQRT2, null], "no band where one run has the step");
    assert.deepEqual(data.returns.map((chart) => chart.id), ["return-mean", "return-task-reach", "return-task-push"]);
    assert.equal(data.groups[0]!.finalReturn.mean, (1.3 + 0.5 + 3.2 + 0.5) / 2, "each run's mean over tasks at its last evaluation");
    assert.deepEqual(data.groups[0]!.lastSteps, [30, 20]);
  });
});

describe("npx mtrl compare", () => {
  test("compare.html from two tiny runs holds each task's success and return chart and both groups, and draws them", async () => {
    const root = temporaryDir();
    const runsDir = join(root, "runs");
    const mtsac = tinyRun(runsDir, "pendulum-mtsac-seed1", ["agent=mtsac", "seed=1"], 1);
    const care = tinyRun(runsDir, "pendulum-care-seed1", ["agent=care", "seed=1"], 4);
    const out = join(root, "out", "compare.html");
    const { status, stdout, stderr } = await runMain(["compare", mtsac.dir, care.dir, "--out", out]);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^compare: .*compare\.html\ngroups by agent: mtsac \(1 run\), care \(1 run\); tasks: reach, push\n$/);

    const html = readFileSync(out, "utf8");
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    const data = embeddedData(html);
    const chartIds = [...data.success, ...data.returns].map((chart) => chart.id);
    const expectedIds = ["success-mean", "success-task-reach", "success-task-push", "return-mean", "return-task-reach", "return-task-push"];
    assert.deepEqual(chartIds, expectedIds);
    for (const chart of [...data.success, ...data.returns]) assert.deepEqual(chart.series.map((series) => series.name), ["mtsac", "care"], `${chart.id} has both groups`);
    assert.deepEqual(data.groups.map((group) => group.runs), [["pendulum-mtsac-seed1"], ["pendulum-care-seed1"]]);

    await inspectPageInChromium(out, async (page, { url, problems, requests }) => {
      const charts = await page.$$eval("figure.chart-card", (figures) =>
        figures.map((figure) => ({
          id: figure.id,
          lines: [...figure.querySelectorAll("path.series")].filter((path) => (path as unknown as { getTotalLength(): number }).getTotalLength() > 10).map((path) => path.getAttribute("data-series")),
          legend: [...figure.querySelectorAll(".legend li")].map((item) => item.textContent),
        })),
      );
      assert.deepEqual(charts.map((chart) => chart.id), expectedIds);
      for (const chart of charts) {
        assert.deepEqual(chart.lines, ["mtsac", "care"], `${chart.id} draws a line per group`);
        assert.deepEqual(chart.legend, ["mtsac", "care"], `${chart.id} names the groups`);
      }
      const groupRows = await page.$$eval("table.groups tr[data-group]", (rows) => rows.map((row) => row.getAttribute("data-group")));
      assert.deepEqual(groupRows, ["mtsac", "care"]);
      await page.hover("#return-task-reach svg.chart", { position: { x: 500, y: 120 } });
      assert.match((await page.textContent("#return-task-reach .tooltip")) ?? "", /^step \d+\nmtsac: .* \(1 run\)\ncare: /);
      assert.deepEqual(problems, []);
      assert.deepEqual(requests, [url], "the page loads nothing but itself");
    });
  });

  test("seeds of a group draw a band of ± one sd", async () => {
    const root = temporaryDir();
    const runsDir = join(root, "runs");
    const runs = [tinyRun(runsDir, "a-seed1", ["agent=mtsac", "seed=1"], 1), tinyRun(runsDir, "a-seed2", ["agent=mtsac", "seed=2"], 3), tinyRun(runsDir, "b-seed1", ["agent=care"], 5)];
    const out = join(root, "compare.html");
    const { status, stderr } = await runMain(["compare", ...runs.map((run) => run.dir), "--out", out]);
    assert.equal(status, 0, stderr);
    await inspectPageInChromium(out, async (page, { problems }) => {
      const bands = await page.$$eval("#return-task-push path.band", (paths) => paths.map((path) => path.getAttribute("data-series")));
      assert.deepEqual(bands, ["mtsac"], "only the group of two runs has a band");
      assert.deepEqual(problems, []);
    });
  });

  test("a missing run folder, a run without eval rows and a bad --group-by exit 2 and say what to do", async () => {
    const root = temporaryDir();
    const runsDir = join(root, "runs");
    const good = tinyRun(runsDir, "good", ["agent=mtsac"], 1);
    const missing = await runMain(["compare", good.dir, join(runsDir, "nope")]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^error: No run ".*nope": neither a folder nor a run in /);

    const untrained = createRunDir(runsDir, "untrained");
    writeFileSync(untrained.config, configText(["agent=mtsac"]));
    const writer = MetricsWriter.open(untrained.metrics);
    writer.writeTrain(5, { "train/critic_loss": 1 });
    writer.close();
    const noEval = await runMain(["compare", good.dir, untrained.dir, "--out", join(root, "c.html")]);
    assert.equal(noEval.status, 2);
    assert.match(noEval.stderr, /untrained has no eval rows in metrics\.jsonl yet \(1 train rows\).*Wait for its first evaluation, or leave it out/);

    const groupBy = await runMain(["compare", good.dir, "--group-by", "agnet"]);
    assert.equal(groupBy.status, 2);
    assert.match(groupBy.stderr, /--group-by expects one of agent, env, none, got "agnet"\. Did you mean: agent\?/);

    const none = await runMain(["compare"]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /compare needs the runs to compare/);

    const twice = await runMain(["compare", good.dir, good.dir]);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /are the same run/);
  });

  test("compare --help names the grouping options", async () => {
    const { status, stdout } = await runMain(["compare", "--help"]);
    assert.equal(status, 0);
    assert.match(stdout, /--group-by agent/);
    assert.match(stdout, /--out <file>/);
  });
});
