import { SingleBar } from "cli-progress";
import type { ProgressEvent } from "../runner/progress-event.js";

/**
 * The terminal view of a training run: a progress bar with steps/s, ETA and the latest evaluation
 * when the output is a terminal, and a plain line every `intervalMs` when it is not (CI logs, pipes),
 * so logs stay readable instead of filling with carriage returns.
 */

export interface ProgressOptions {
  /** Where to draw; process.stdout by default. */
  readonly stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Force the bar (true) or plain lines (false); by default the bar only when the stream is a TTY. */
  readonly interactive?: boolean;
  /** Plain mode: at most one progress line per this many milliseconds (default 10 s). */
  readonly intervalMs?: number;
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

function formatNumber(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(digits);
}

/** The progress display of one training run. */
export class TrainingProgress {
  private readonly stream: NodeJS.WritableStream;
  private readonly interactive: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private bar: SingleBar | null = null;
  private totalSteps = 0;
  private step = 0;
  private startStep = 0;
  private startTime = 0;
  private lastLineTime = Number.NEGATIVE_INFINITY;
  private lastLineStep = -1;
  private evalText = "eval: none yet";

  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.interactive = options.interactive ?? (this.stream as NodeJS.WriteStream).isTTY === true;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Handles one event from the runner. */
  handle(event: ProgressEvent): void {
    switch (event.kind) {
      case "start":
        this.start(event.step, event.totalSteps);
        break;
      case "step":
        this.advance(event.step);
        break;
      case "eval":
        this.evalText = `eval return ${formatNumber(event.meanReturn, 1)} success ${formatNumber(event.meanSuccess, 2)}`;
        this.advance(event.step, true);
        break;
      case "checkpoint":
        if (!this.interactive) this.print(`checkpoint saved at step ${event.step}`);
        break;
      case "end":
        // The last eval usually printed this step's line already.
        this.advance(event.step, event.step !== this.lastLineStep);
        this.stop();
        if (event.stopped) this.print(`stopped at step ${event.step} of ${this.totalSteps}`);
        break;
    }
  }

  /** Steps per second since the start (or resume). */
  stepsPerSecond(): number {
    const seconds = (this.now() - this.startTime) / 1000;
    return seconds > 0 ? (this.step - this.startStep) / seconds : 0;
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
    this.startStep = step;
    this.startTime = this.now();
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

  private payload(): Record<string, string> {
    return { rate: this.stepsPerSecond().toFixed(1), etaText: formatDuration(this.etaSeconds()), evalText: this.evalText };
  }

  private print(text: string): void {
    this.stream.write(`[mtrl] ${text}\n`);
  }
}
