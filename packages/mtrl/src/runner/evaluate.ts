// TEMPORARY STUB: replaced by the runner
// Only here so that `npx mtrl eval <run>` typechecks before the runner's evaluateRun exists.
// The CLI relies on this signature; keep it (or tell the CLI's author) when writing the real one.
import { MTError } from "@mtrl/mtenv";

export interface EvaluateRunOptions {
  /** Episodes per task; default: the run's experiment.evalEpisodes. */
  readonly episodes?: number;
  /** Aborting stops between episodes. */
  readonly signal?: AbortSignal;
}

export interface EvaluateRunResult {
  /** The training step of the checkpoint that was evaluated. */
  readonly step: number;
  /** `eval/return/<task>` and, when the env reports success, `eval/success/<task>`. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly meanReturn: number;
  /** Mean success rate over tasks, or null when the env reports no success flag. */
  readonly meanSuccess: number | null;
}

/** Evaluates the latest checkpoint of a run folder with the deterministic policy on every task. */
export async function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): Promise<EvaluateRunResult> {
  void options;
  throw new MTError(`Evaluating ${runDir} is not available yet: the runner's evaluateRun is still being written.`);
}
