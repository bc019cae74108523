import type { EvalRow } from "./metrics.js";

/** One task's result in an evaluation. */
export interface TaskEvalResult {
  /** The task name, as in the `eval/return/<task>` key. */
  readonly task: string;
  /** Mean episode return over the evaluation episodes; undefined if the row has none for this task. */
  readonly meanReturn: number | undefined;
  /** Fraction of episodes in which success was reported at any step; undefined if the env reports none. */
  readonly successRate: number | undefined;
}

/** An evaluation row read as per-task results plus means over tasks. */
export interface EvalSummary {
  readonly step: number;
  /** Tasks in the order their keys first appear in the row. */
  readonly tasks: readonly TaskEvalResult[];
  /** Mean over tasks of the mean return; NaN when there are no returns. */
  readonly meanReturn: number;
  /** Mean over tasks of the success rate; null when the environment reports no success. */
  readonly meanSuccess: number | null;
}

export const RETURN_PREFIX = "eval/return/";
export const SUCCESS_PREFIX = "eval/success/";

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Splits an eval row into per-task results and computes the means shown by the CLI and the report. */
export function summarizeEval(row: EvalRow): EvalSummary {
  const order: string[] = [];
  const returns = new Map<string, number>();
  const successes = new Map<string, number>();
  for (const [key, value] of Object.entries(row)) {
    let task: string | undefined;
    if (key.startsWith(RETURN_PREFIX)) {
      task = key.slice(RETURN_PREFIX.length);
      returns.set(task, value as number);
    } else if (key.startsWith(SUCCESS_PREFIX)) {
      task = key.slice(SUCCESS_PREFIX.length);
      successes.set(task, value as number);
    }
    if (task !== undefined && !order.includes(task)) order.push(task);
  }
  const tasks = order.map((task) => ({ task, meanReturn: returns.get(task), successRate: successes.get(task) }));
  return {
    step: row.step,
    tasks,
    meanReturn: mean([...returns.values()]),
    meanSuccess: successes.size === 0 ? null : mean([...successes.values()]),
  };
}

/** A fixed-width table of an evaluation, for the terminal. */
export function formatEvalTable(summary: EvalSummary): string {
  const width = Math.max(4, ...summary.tasks.map((task) => task.task.length));
  const number = (value: number | undefined | null, digits: number): string =>
    value === undefined || value === null ? "n/a" : Number.isNaN(value) ? "NaN" : value.toFixed(digits);
  const lines = [`${"task".padEnd(width)}  ${"return".padStart(10)}  ${"success".padStart(7)}`];
  for (const task of summary.tasks) {
    lines.push(`${task.task.padEnd(width)}  ${number(task.meanReturn, 2).padStart(10)}  ${number(task.successRate, 2).padStart(7)}`);
  }
  lines.push(`${"mean".padEnd(width)}  ${number(summary.meanReturn, 2).padStart(10)}  ${number(summary.meanSuccess, 2).padStart(7)}`);
  return lines.join("\n");
}
