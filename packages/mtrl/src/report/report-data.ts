import { summarizeEval, RETURN_PREFIX, SUCCESS_PREFIX, type EvalSummary } from "../run-folder/eval-summary.js";
import { isEvalRow, isTrainRow, type EvalRow, type MetricsRow } from "../run-folder/metrics.js";

/**
 * What report.html shows, computed in Node from metrics.jsonl and embedded in the page as JSON:
 * the page only draws. Keeping the arithmetic here makes it testable without a browser.
 */

/** One line of a chart; null values (NaN in the metrics) leave a gap. */
export interface ChartSeries {
  readonly name: string;
  readonly steps: readonly number[];
  readonly values: readonly (number | null)[];
  /** Drawn dashed and thicker: the mean over tasks. */
  readonly emphasis: boolean;
  /** Palette slot of the line (default: its position in the chart), to keep a group's color across charts. */
  readonly colorIndex?: number;
  /** Half-width of a band drawn around the line at each point (e.g. the sd over seeds); null draws none there. */
  readonly spread?: readonly (number | null)[];
  /** How many runs each point summarises (shown on hover). */
  readonly counts?: readonly number[];
}

export interface ChartData {
  /** Stable id, used as the element id of the chart. */
  readonly id: string;
  readonly title: string;
  readonly yLabel: string;
  /** Fixed y range (success rates: [0, 1]); otherwise fitted to the data. */
  readonly yRange: readonly [number, number] | null;
  readonly series: readonly ChartSeries[];
  /** Show the legend even for a single line (by default only charts of several lines have one). */
  readonly legend?: boolean;
}

export interface ReportData {
  readonly runName: string;
  /** The resolved config.yaml text. */
  readonly configText: string;
  readonly trainRows: number;
  readonly evalRows: number;
  /** Highest step in the metrics; 0 when there are none. */
  readonly lastStep: number;
  /** The last evaluation, for the summary table. */
  readonly finalEval: EvalSummary | null;
  /** Per-task success rate over steps; null when the environment reports no success. */
  readonly success: ChartData | null;
  /** Per-task evaluation return over steps; null before the first evaluation. */
  readonly returns: ChartData | null;
  /**
   * Mean evaluation return of each split over steps — the training tasks and every held-out group
   * of `env.split` (`eval/<group>/mean_return`, e.g. HiP-BMDP's interpolation and extrapolation);
   * null for runs without a split. Absent in data built before splits existed.
   */
  readonly splitReturns?: ChartData | null;
  /** One chart per `train/*` key, in order of first appearance. */
  readonly losses: readonly ChartData[];
}

/** Longest series drawn as is; longer ones are averaged in consecutive buckets. */
export const MAX_POINTS_PER_SERIES = 1500;

function finiteOrNull(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

/** Averages consecutive points into at most `maxPoints` buckets (gaps stay gaps if a bucket is all null). */
export function downsample(steps: readonly number[], values: readonly (number | null)[], maxPoints = MAX_POINTS_PER_SERIES): { steps: number[]; values: (number | null)[] } {
  if (steps.length <= maxPoints) return { steps: [...steps], values: [...values] };
  const outSteps: number[] = [];
  const outValues: (number | null)[] = [];
  const bucketSize = steps.length / maxPoints;
  for (let bucket = 0; bucket < maxPoints; bucket++) {
    const start = Math.floor(bucket * bucketSize);
    const end = Math.floor((bucket + 1) * bucketSize);
    let sum = 0;
    let count = 0;
    for (let index = start; index < end; index++) {
      const value = values[index];
      if (value !== null && value !== undefined) {
        sum += value;
        count++;
      }
    }
    outSteps.push(steps[end - 1]!);
    outValues.push(count === 0 ? null : sum / count);
  }
  return { steps: outSteps, values: outValues };
}

/** A chart's element id from a prefix and a metric key or task name (characters other than letters, digits, _ and - become -). */
export function chartId(prefix: string, key: string): string {
  return `${prefix}-${key.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
}

function evalChart(summaries: readonly EvalSummary[], pick: "meanReturn" | "successRate", id: string, title: string, yLabel: string, yRange: readonly [number, number] | null): ChartData | null {
  const tasks: string[] = [];
  for (const summary of summaries) {
    for (const task of summary.tasks) if (task[pick] !== undefined && !tasks.includes(task.task)) tasks.push(task.task);
  }
  if (tasks.length === 0) return null;
  const series: ChartSeries[] = tasks.map((name) => {
    const steps: number[] = [];
    const values: (number | null)[] = [];
    for (const summary of summaries) {
      const result = summary.tasks.find((task) => task.task === name);
      if (result === undefined || result[pick] === undefined) continue;
      steps.push(summary.step);
      values.push(finiteOrNull(result[pick]));
    }
    return { name, steps, values, emphasis: false };
  });
  if (tasks.length > 1) {
    const mean = pick === "meanReturn" ? (summary: EvalSummary) => summary.meanReturn : (summary: EvalSummary) => summary.meanSuccess ?? Number.NaN;
    series.push({ name: "mean", steps: summaries.map((summary) => summary.step), values: summaries.map((summary) => finiteOrNull(mean(summary))), emphasis: true });
  }
  return { id, title, yLabel, yRange, series };
}

/** `eval/<group>/mean_return`: a held-out group's mean return (runner/task-splits.ts). */
const HELD_OUT_MEAN_RETURN = /^eval\/([^/]+)\/mean_return$/;

/** One line per split: "training" (the mean over the trained tasks) and each held-out group; null when no row has a group. */
export function splitReturnsChart(evalRows: readonly EvalRow[]): ChartData | null {
  const groups: string[] = [];
  for (const row of evalRows) {
    for (const key of Object.keys(row)) {
      const group = HELD_OUT_MEAN_RETURN.exec(key)?.[1];
      if (group !== undefined && !groups.includes(group)) groups.push(group);
    }
  }
  if (groups.length === 0) return null;
  const line = (name: string, key: `eval/${string}`): ChartSeries => {
    const rows = evalRows.filter((row) => row[key] !== undefined);
    return { name, steps: rows.map((row) => row.step), values: rows.map((row) => finiteOrNull(row[key])), emphasis: false };
  };
  const series = [{ ...line("training tasks", "eval/mean_return"), emphasis: true }, ...groups.map((group) => line(group, `eval/${group}/mean_return`))];
  return { id: "eval-split-return", title: "Evaluation return per split (mean over each split's tasks)", yLabel: "return", yRange: null, series, legend: true };
}

/** Builds the report's data from the rows of metrics.jsonl. */
export function buildReportData(rows: readonly MetricsRow[], options: { runName: string; configText: string }): ReportData {
  const trainRows = rows.filter(isTrainRow);
  const evalRows = rows.filter(isEvalRow);
  const summaries = evalRows.map(summarizeEval);

  const trainKeys: string[] = [];
  for (const row of trainRows) for (const key of Object.keys(row)) if (key.startsWith("train/") && !trainKeys.includes(key)) trainKeys.push(key);
  const losses = trainKeys.map((key): ChartData => {
    const steps: number[] = [];
    const values: (number | null)[] = [];
    for (const row of trainRows) {
      const value = (row as unknown as Record<string, number | undefined>)[key];
      if (value === undefined) continue;
      steps.push(row.step);
      values.push(finiteOrNull(value));
    }
    const reduced = downsample(steps, values);
    return { id: chartId("train", key), title: key, yLabel: key.slice("train/".length), yRange: null, series: [{ name: key, ...reduced, emphasis: false }] };
  });

  return {
    runName: options.runName,
    configText: options.configText,
    trainRows: trainRows.length,
    evalRows: evalRows.length,
    lastStep: rows.reduce((max, row) => Math.max(max, row.step), 0),
    finalEval: summaries.at(-1) ?? null,
    success: evalChart(summaries, "successRate", "eval-success", "Success rate per task", SUCCESS_PREFIX.slice(0, -1), [0, 1]),
    returns: evalChart(summaries, "meanReturn", "eval-return", "Evaluation return per task", RETURN_PREFIX.slice(0, -1), null),
    splitReturns: splitReturnsChart(evalRows),
    losses,
  };
}
