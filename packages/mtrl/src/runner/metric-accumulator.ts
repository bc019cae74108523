import type { Metrics } from "../agents/agent.js";

/** Partial sums of the metrics since the last train row (checkpointed, so resumed rows match). */
export interface AccumulatorState {
  readonly sums: Record<string, number>;
  readonly counts: Record<string, number>;
  readonly rewardSum: number;
  readonly rewardCount: number;
}

/** Means of the update metrics since the last train row, plus the mean per-step reward. */
export class MetricAccumulator {
  private sums: Record<string, number> = {};
  private counts: Record<string, number> = {};
  private rewardSum = 0;
  private rewardCount = 0;

  add(metrics: Metrics): void {
    for (const [key, value] of Object.entries(metrics)) {
      this.sums[key] = (this.sums[key] ?? 0) + value;
      this.counts[key] = (this.counts[key] ?? 0) + 1;
    }
  }

  /** The rewards of one env step, one per task. */
  addStepRewards(rewards: Float64Array): void {
    for (let i = 0; i < rewards.length; i++) this.rewardSum += rewards[i]!;
    this.rewardCount += rewards.length;
  }

  getState(): AccumulatorState {
    return { sums: { ...this.sums }, counts: { ...this.counts }, rewardSum: this.rewardSum, rewardCount: this.rewardCount };
  }

  setState(state: AccumulatorState): void {
    this.sums = { ...state.sums };
    this.counts = { ...state.counts };
    this.rewardSum = state.rewardSum;
    this.rewardCount = state.rewardCount;
  }

  /** The means since the last flush, keys sorted, `train/reward_mean` last; then starts over. */
  flush(): Metrics {
    const out: Metrics = {};
    for (const key of Object.keys(this.sums).sort()) out[key] = this.sums[key]! / this.counts[key]!;
    if (this.rewardCount > 0) out["train/reward_mean"] = this.rewardSum / this.rewardCount;
    this.sums = {};
    this.counts = {};
    this.rewardSum = 0;
    this.rewardCount = 0;
    return out;
  }
}
