import type { MetricsRow } from "./metrics.js";

/** The metrics of a row (every key but `kind` and `step`) as [key, value] pairs, in the row's key order. */
export function metricEntries(row: MetricsRow): [string, number][] {
  return Object.entries(row).filter((entry): entry is [string, number] => entry[0] !== "kind" && entry[0] !== "step");
}
