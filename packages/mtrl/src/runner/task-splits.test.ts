import { test } from "node:test";
import assert from "node:assert/strict";
import { composeConfig } from "../config/compose.js";
import { checkEnvironment } from "../config/check-environment.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { splitReturnsChart } from "../report/report-data.js";
import { writeReport } from "../report/write-report.js";
import { MetricsWriter } from "../run-folder/metrics.js";
import { createRunDir } from "../run-folder/run-dir.js";
import { inspectPageInChromium } from "../testing/headless-chromium.js";
import type { EvalRow } from "../run-folder/metrics.js";
import { configErrorOf } from "../testing/config-error.js";
import { TASK_SPLITS, buildHeldOutEnvs, buildTrainingEnvs, heldOutMetrics, taskSplitOf } from "./task-splits.js";

/** The reference MTRL's HiP-BMDP experiment lists its variant files 1-based. */
const REFERENCE_FILES = { train: [3, 4, 7, 8], interpolation: [5, 6], extrapolation: [2, 9] };
const zeroBased = (files: readonly number[]): number[] => files.map((file) => file - 1);

test("env.split=hipbmdp is exactly the reference's split, for the four HiP-BMDP families", () => {
  const split = TASK_SPLITS["hipbmdp"]!;
  assert.deepEqual([...split.train], zeroBased(REFERENCE_FILES.train));
  assert.deepEqual(Object.keys(split.heldOut), ["interpolation", "extrapolation"]);
  assert.deepEqual([...split.heldOut["interpolation"]!], zeroBased(REFERENCE_FILES.interpolation));
  assert.deepEqual([...split.heldOut["extrapolation"]!], zeroBased(REFERENCE_FILES.extrapolation));
  assert.deepEqual([...split.envIds].sort(), ["MT-HiPBMDP-Cheetah-Run-vary-torso-length-v0", "MT-HiPBMDP-Finger-Spin-vary-size-v0", "MT-HiPBMDP-Walker-Walk-vary-friction-v0", "MT-HiPBMDP-Walker-Walk-vary-len-v0"]);
});

test("a run with env.split trains on the split's training variants and evaluates each held-out group on its own variants", async () => {
  // State observations keep the test fast; the variants are what is checked.
  const { config } = composeConfig(["agent=hipbmdp", "env=hipbmdp-finger-spin", "env.kwargs.fromPixels=false"]);
  const training = await buildTrainingEnvs(config, "train");
  const heldOut = await buildHeldOutEnvs(config);
  try {
    assert.deepEqual(training.vector.call("getTaskState"), zeroBased(REFERENCE_FILES.train));
    assert.deepEqual(training.taskNames, ["variant2", "variant3", "variant6", "variant7"]);
    assert.deepEqual(heldOut.map(({ group }) => group), ["interpolation", "extrapolation"]);
    assert.deepEqual(heldOut[0]!.envs.vector.call("getTaskState"), zeroBased(REFERENCE_FILES.interpolation));
    assert.deepEqual(heldOut[1]!.envs.vector.call("getTaskState"), zeroBased(REFERENCE_FILES.extrapolation));
    assert.deepEqual(heldOut[1]!.envs.taskNames, ["variant1", "variant8"]);
  } finally {
    await training.vector.close();
    for (const { envs } of heldOut) await envs.vector.close();
  }
  const { config: plain } = composeConfig(["agent=sac-ae", "env=dmc-cartpole-swingup-pixels"]);
  assert.equal(taskSplitOf(plain), null);
  assert.deepEqual(await buildHeldOutEnvs(plain), []);
});

test("bad env.split settings are ConfigErrors that say what to use", () => {
  const errorOf = (overrides: string[]): string => configErrorOf(() => checkEnvironment(composeConfig(overrides).config));
  assert.match(configErrorOf(() => composeConfig(["agent=hipbmdp", "env=hipbmdp-finger-spin", "env.split=hipbmpd"])), /env\.split.*hipbmdp/s);
  assert.match(errorOf(["agent=hipbmdp", "env=dmc-cartpole-swingup-pixels", "env.split=hipbmdp"]), /env\.split=hipbmdp is defined for .*MT-HiPBMDP-Finger-Spin-vary-size-v0.*got env\.id MT-DMC-Cartpole-Swingup-v0/);
  assert.match(errorOf(["agent=hipbmdp", "env=hipbmdp-finger-spin", "env.numTasks=10"]), /env\.numTasks must be 4, got 10\. Set env\.numTasks=4/);
  assert.match(errorOf(["agent=sac-ae", "env=hipbmdp-finger-spin"]), /must not read the task identity; got agent\.taskEncoder\.type=one-hot.*agent\.taskEncoder\.type=none/);
  assert.match(errorOf(["agent=hipbmdp", "env=hipbmdp-finger-spin", "agent.actor.head=multi-head"]), /got agent\.actor\.head=multi-head/);
});

test("held-out metrics sit under their group, and report.html draws one line per split", () => {
  assert.deepEqual(heldOutMetrics("interpolation", { "eval/return/variant4": 10, "eval/return/variant5": 20 }, 15, null), {
    "eval/interpolation/return/variant4": 10,
    "eval/interpolation/return/variant5": 20,
    "eval/interpolation/mean_return": 15,
  });
  const rows: EvalRow[] = [
    { kind: "eval", step: 10, "eval/return/variant2": 5, "eval/mean_return": 5, "eval/interpolation/mean_return": 3, "eval/extrapolation/mean_return": 1 },
    { kind: "eval", step: 20, "eval/return/variant2": 7, "eval/mean_return": 7, "eval/interpolation/mean_return": 4, "eval/extrapolation/mean_return": 2 },
  ];
  const chart = splitReturnsChart(rows)!;
  assert.deepEqual(chart.series.map((series) => [series.name, series.steps, series.values]), [
    ["training tasks", [10, 20], [5, 7]],
    ["interpolation", [10, 20], [3, 4]],
    ["extrapolation", [10, 20], [1, 2]],
  ]);
  assert.equal(splitReturnsChart([{ kind: "eval", step: 10, "eval/return/task0": 1, "eval/mean_return": 1 }]), null);
});

test("report.html of a run with env.split draws the per-split chart in Chromium: training tasks, interpolation, extrapolation", async () => {
  const root = mkdtempSync(join(tmpdir(), "mtrl-split-report-"));
  try {
    const paths = createRunDir(join(root, "runs"), "hipbmdp-split-seed1");
    writeFileSync(paths.config, "env:\n  id: MT-HiPBMDP-Finger-Spin-vary-size-v0\n  kwargs: {}\n  numTasks: 4\n  split: hipbmdp\n");
    const writer = MetricsWriter.open(paths.metrics);
    for (let step = 100; step <= 500; step += 100) {
      writer.writeEval(step, { "eval/return/variant2": step, "eval/mean_return": step, "eval/interpolation/return/variant4": step / 2, "eval/interpolation/mean_return": step / 2, "eval/extrapolation/return/variant1": step / 4, "eval/extrapolation/mean_return": step / 4 });
    }
    writer.close();
    await inspectPageInChromium(writeReport(paths.dir).report, async (page, { problems }) => {
      const lines = await page.$$eval("#eval-split-return path.series", (paths) => paths.length);
      const legend = await page.$eval("#eval-split-return", (figure) => figure.textContent ?? "");
      assert.equal(lines, 3);
      for (const name of ["training tasks", "interpolation", "extrapolation"]) assert.ok(legend.includes(name), `the legend names ${name}`);
      assert.deepEqual(problems, []);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
