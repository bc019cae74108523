import { SingleBar } from "cli-progress";
import type { ProgressEvent } from "../runner/progress-event.js";

/**
 * The terminal view of a training run: a progress bar with steps/s, ETA and the latest evaluation
 * when the output is a terminal, and a plain line with the same fields every `intervalMs` when it
 * is not (CI logs, pipes, `nohup ... > log`), so logs stay readable instead of filling with carriage
 * returns or with a line per evaluation.
 */

export interface ProgressOptions {
  /** Where to draw; process.stdout by default. */
  readonly stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Force the bar (true) or plain lines (false); by default the bar only when the stream is a TTY. */
  readonly interactive?: boolean;
  /** Plain mode: one progress line per this many milliseconds (default 10 s). */
  readonly intervalMs?: number;
  /** The rate (and the ETA from it) counts the steps of this many last milliseconds (default 30 s). */
  readonly rateWindowMs?: number;
  /** Clock in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

/** "1h02m", "4m05s", "12s"; "?" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, "0")}s`;
  return `${rest}s`;
}

/** What `mtrl train` prints when training returns. */
export interface TrainSummary {
  /** The step training ended at, and the step this session started from (a resume's checkpoint). */
  readonly steps: number;
  readonly startStep: number;
  readonly totalSteps: number;
  readonly envStepsPerSecond: number;
  readonly backend: string;
}

/**
 * "12000 steps, 776 env steps/s, backend native"; without a rate when this session trained no step
 * (a finished run resumed, or one stopped before its first step): there is nothing to measure.
 */
export function formatTrainSummary(summary: TrainSummary): string {
  const { steps, startStep, totalSteps, envStepsPerSecond, backend } = summary;
  if (steps > startStep) return `${steps} steps, ${envStepsPerSecond.toFixed(0)} env steps/s, backend ${backend}`;
  if (steps >= totalSteps) return `${steps}/${totalSteps} steps (already complete, nothing trained), backend ${backend}`;
  return `${steps}/${totalSteps} steps (none trained in this session), backend ${backend}`;
}

function formatNumber(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(digits);
}

/** The progress display of one training run. */
export class TrainingProgress {
  private readonly stream: NodeJS.WritableStream;
  private readonly interactive: boolean;
  private readonly intervalMs: number;
  private readonly rateWindowMs: number;
  private readonly now: () => number;
  private bar: SingleBar | null = null;
  private totalSteps = 0;
  private step = 0;
  /** A resumed run that had already reached totalSteps: nothing to show but that. */
  private alreadyComplete = false;
  /** (time, step) about once per 1/30 of the rate window, oldest first, spanning the window. */
  private samples: Array<{ readonly time: number; readonly step: number }> = [];
  private lastLineTime = Number.NEGATIVE_INFINITY;
  private lastLineStep = -1;
  private evalText = "eval: none yet";

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.interactive = options.interactive ?? (this.stream as NodeJS.WriteStream).isTTY === true;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.rateWindowMs = options.rateWindowMs ?? 30_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Handles one event from the runner. */
  handle(event: ProgressEvent): void {
    if (this.alreadyComplete) return;
    switch (event.kind) {
      case "start":
        this.start(event.step, event.totalSteps);
        break;
      case "step":
        this.advance(event.step);
        break;
      case "eval":
        // Shown by the bar at once, and by the next plain line: a line per evaluation would flood
        // logs when evaluations are frequent.
        this.evalText = `eval return ${formatNumber(event.meanReturn, 1)} success ${formatNumber(event.meanSuccess, 2)}`;
        this.advance(event.step);
        break;
      case "burst":
        this.showBurst(event.done, event.total);
        break;
      case "checkpoint":
        // Not shown: the bar has no field for it, and the plain lines carry the bar's fields only.
        break;
      case "end":
        // The final state, unless the last interval line showed it already.
        this.advance(event.step, event.step !== this.lastLineStep);
        this.stop();
        if (event.stopped) this.print(`stopped at step ${event.step} of ${this.totalSteps}`);
        break;
    }
  }

  /**
   * Steps per second over the last `rateWindowMs` (since the start or resume until then). Not the
   * average since the start: warm-up steps make no updates and run many times faster, so that
   * average would keep falling long after warm-up, and the ETA with it.
   */
  stepsPerSecond(): number {
    const now = this.now();
    this.dropSamplesOutsideWindow(now);
    const oldest = this.samples[0];
    if (oldest === undefined) return 0;
    const seconds = (now - oldest.time) / 1000;
    return seconds > 0 ? (this.step - oldest.step) / seconds : 0;
  }

  /** Seconds left at the current rate; NaN before the first step. */
  etaSeconds(): number {
    const rate = this.stepsPerSecond();
    return rate > 0 ? (this.totalSteps - this.step) / rate : Number.NaN;
  }

  /** The plain-mode line for the current state. */
  statusLine(): string {
    const percent = this.totalSteps > 0 ? ((100 * this.step) / this.totalSteps).toFixed(1) : "0.0";
    return `step ${this.step}/${this.totalSteps} (${percent}%) | ${this.stepsPerSecond().toFixed(1)} steps/s | ETA ${formatDuration(this.etaSeconds())} | ${this.evalText}`;
  }

  /** Removes the bar (if any) so that later output starts on a clean line. Safe to call twice. */
  stop(): void {
    if (this.bar !== null) {
      this.bar.stop();
      this.bar = null;
    }
  }

  private start(step: number, totalSteps: number): void {
    this.totalSteps = totalSteps;
    this.step = step;
    this.samples = [{ time: this.now(), step }];
    if (step >= totalSteps) {
      // A finished run resumed: no bar, no rate (no step will run), just say so.
      this.alreadyComplete = true;
      this.print(`already complete: ${step}/${totalSteps} steps, nothing left to train`);
      return;
    }
    if (this.interactive) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: "train |{bar}| {value}/{total} steps | {rate} steps/s | ETA {etaText} | {evalText}",
        barsize: 30,
        hideCursor: true,
        fps: 5,
        // The bar must be drawn on a TTY only; in plain mode we never create it.
        noTTYOutput: false,
      });
      this.bar.start(totalSteps, step, this.payload());
    } else {
      this.print(step > 0 ? `resuming at step ${step} of ${totalSteps}` : `training for ${totalSteps} steps`);
      this.lastLineTime = this.now();
    }
  }

  private advance(step: number, force = false): void {
    this.step = step;
    this.recordSample(step);
    if (this.bar !== null) {
      this.bar.update(step, this.payload());
      return;
    }
    if (this.interactive) return;
    const time = this.now();
    if (force || time - this.lastLineTime >= this.intervalMs) {
      this.lastLineTime = time;
      this.lastLineStep = step;
      this.print(this.statusLine());
    }
  }

  /** One long step of updates after warm-up: shown as it goes, so the run does not look stuck. */
  private showBurst(done: number, total: number): void {
    const text = `updates after warm-up ${done}/${total}`;
    if (this.bar !== null) {
      this.bar.update(this.step, { ...this.payload(), evalText: text });
      return;
    }
    if (this.interactive) return;
    const time = this.now();
    if (done === total || time - this.lastLineTime >= this.intervalMs) {
      this.lastLineTime = time;
      this.print(text);
    }
  }

  private recordSample(step: number): void {
    const time = this.now();
    const last = this.samples.at(-1);
    if (last === undefined || time - last.time >= this.rateWindowMs / 30) this.samples.push({ time, step });
    this.dropSamplesOutsideWindow(time);
  }

  /** Keeps the newest sample at least a window old (or the start) and the ones after it. */
  private dropSamplesOutsideWindow(now: number): void {
    while (this.samples.length >= 2 && now - this.samples[1]!.time >= this.rateWindowMs) this.samples.shift();
  }

  private payload(): Record<string, string> {
    return { rate: this.stepsPerSecond().toFixed(1), etaText: formatDuration(this.etaSeconds()), evalText: this.evalText };
  }

  private print(text: string): void {
    this.stream.write(`[mtrl] ${text}\n`);
  }
}
