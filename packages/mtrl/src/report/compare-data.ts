import { summarizeEval, type EvalSummary } from "../run-folder/eval-summary.js";
import { isEvalRow, type MetricsRow } from "../run-folder/metrics.js";
import { chartId, type ChartData, type ChartSeries } from "./report-data.js";
import type { GroupBy, RunGrouping } from "./run-groups.js";

/**
 * What compare.html shows, computed in Node and embedded as JSON (the page only draws): per task,
 * the success rate and the evaluation return of every group over steps, as the mean over the
 * group's runs with a band of ± one standard deviation.
 *
 * At each step, the statistics use the runs of the group that evaluated at that step and got a
 * finite value (runs of different lengths or eval cadences simply contribute where they have
 * points). The sd is the sample sd (n − 1); a point backed by a single run has no band.
 */

/** Mean, sample sd and count of a set of values; sd is null below two values, mean null for none. */
export interface Spread {
  readonly mean: number | null;
  readonly sd: number | null;
  readonly n: number;
}

export function meanAndSd(values: readonly number[]): Spread {
  const finite = values.filter((value) => Number.isFinite(value));
  const n = finite.length;
  if (n === 0) return { mean: null, sd: null, n };
  const mean = finite.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { mean, sd: null, n };
  const variance = finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance), n };
}

/** One run as compare reads it. */
export interface CompareRun {
  readonly name: string;
  readonly rows: readonly MetricsRow[];
}

/** A group in the summary table: its runs and its final results (each run's last evaluation). */
export interface CompareGroupSummary {
  readonly label: string;
  readonly runs: readonly string[];
  /** The step of each run's last evaluation, in the order of `runs`. */
  readonly lastSteps: readonly number[];
  /** Over the runs, of each run's mean over tasks at its last evaluation. */
  readonly finalReturn: Spread;
  /** The same for the success rate; null when no run reports success. */
  readonly finalSuccess: Spread | null;
}

export interface CompareData {
  readonly groupBy: GroupBy;
  /** Overrides of the grouped section that every group has (not repeated in the labels). */
  readonly sharedOverrides: readonly string[];
  readonly groups: readonly CompareGroupSummary[];
  /** Every task of every run, in order of first appearance. */
  readonly tasks: readonly string[];
  /** Success-rate charts: the mean over tasks (when there are several tasks), then one per task. Empty when no run reports success. */
  readonly success: readonly ChartData[];
  /** Evaluation-return charts, laid out the same way. */
  readonly returns: readonly ChartData[];
}

type Measure = "meanReturn" | "successRate";

/** A run's value of `measure` per step: one task's, or (task null) the run's mean over tasks. */
function runCurve(summaries: readonly EvalSummary[], measure: Measure, task: string | null): Map<number, number> {
  const curve = new Map<number, number>();
  for (const summary of summaries) {
    if (task === null) {
      const value = measure === "meanReturn" ? summary.meanReturn : summary.meanSuccess;
      if (value !== null) curve.set(summary.step, value);
      continue;
    }
    const value = summary.tasks.find((result) => result.task === task)?.[measure];
    if (value !== undefined) curve.set(summary.step, value);
  }
  return curve;
}

/** The series of one group: mean ± sd over its runs' curves at every step any of them has. */
function groupSeries(label: string, colorIndex: number, curves: readonly Map<number, number>[]): ChartSeries {
  const steps = [...new Set(curves.flatMap((curve) => [...curve.keys()]))].sort((a, b) => a - b);
  const statistics = steps.map((step) => meanAndSd(curves.flatMap((curve) => (curve.has(step) ? [curve.get(step)!] : []))));
  return {
    name: label,
    steps,
    values: statistics.map((statistic) => statistic.mean),
    emphasis: false,
    colorIndex,
    spread: statistics.map((statistic) => statistic.sd),
    counts: statistics.map((statistic) => statistic.n),
  };
}

/** Builds the page's data from the runs (each with its eval rows) and their groups. */
export function buildCompareData(runs: readonly CompareRun[], grouping: RunGrouping, groupBy: GroupBy): CompareData {
  const groups = grouping.groups;
  const summariesByRun = new Map(runs.map((run) => [run.name, run.rows.filter(isEvalRow).map(summarizeEval)]));
  const summariesOf = (name: string): EvalSummary[] => {
    const summaries = summariesByRun.get(name);
    if (summaries === undefined) throw new Error(`group run "${name}" is not among the runs given to buildCompareData`);
    return summaries;
  };

  const tasks: string[] = [];
  const tasksWith: Record<Measure, Set<string>> = { meanReturn: new Set(), successRate: new Set() };
  for (const summaries of summariesByRun.values()) {
    for (const summary of summaries) {
      for (const result of summary.tasks) {
        if (!tasks.includes(result.task)) tasks.push(result.task);
        if (result.meanReturn !== undefined) tasksWith.meanReturn.add(result.task);
        if (result.successRate !== undefined) tasksWith.successRate.add(result.task);
      }
    }
  }

  const charts = (measure: Measure, prefix: string, noun: string, yRange: readonly [number, number] | null): ChartData[] => {
    const measuredTasks = tasks.filter((task) => tasksWith[measure].has(task));
    if (measuredTasks.length === 0) return [];
    const chart = (task: string | null): ChartData => ({
      id: task === null ? `${prefix}-mean` : chartId(`${prefix}-task`, task),
      title: task === null ? `${noun}, mean over tasks` : `${noun}: ${task}`,
      yLabel: noun.toLowerCase(),
      yRange,
      series: groups
        .map((group, index) => groupSeries(group.label, index, group.runs.map((name) => runCurve(summariesOf(name), measure, task))))
        .filter((series) => series.steps.length > 0),
      legend: true,
    });
    return [...(measuredTasks.length > 1 ? [chart(null)] : []), ...measuredTasks.map(chart)];
  };

  const summaries = groups.map((group): CompareGroupSummary => {
    const finals = group.runs.map((name) => summariesOf(name).at(-1));
    const successes = finals.flatMap((final) => (final?.meanSuccess === null || final === undefined ? [] : [final.meanSuccess]));
    return {
      label: group.label,
      runs: group.runs,
      lastSteps: finals.map((final) => final?.step ?? 0),
      finalReturn: meanAndSd(finals.flatMap((final) => (final === undefined ? [] : [final.meanReturn]))),
      finalSuccess: successes.length === 0 ? null : meanAndSd(successes),
    };
  });

  return {
    groupBy,
    sharedOverrides: grouping.sharedOverrides,
    groups: summaries,
    tasks,
    success: charts("successRate", "success", "Success rate", [0, 1]),
    returns: charts("meanReturn", "return", "Return", null),
  };
}
