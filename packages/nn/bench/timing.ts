/** Timing shared by the op benchmarks: warm up, then the median of repeated runs. */

/** The median of `run`'s wall times over about `seconds` (at least 5 runs), after a short warm-up. */
export function timeMedian(run: () => void, seconds: number): number {
  const warmEnd = performance.now() + Math.min(300, seconds * 500);
  do run(); while (performance.now() < warmEnd);
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  do {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  } while (performance.now() < end || times.length < 5);
  return median(times);
}

/** The middle value (upper middle for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}
