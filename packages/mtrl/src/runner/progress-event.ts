/** What the runner reports while it trains (the CLI shows them with `TrainingProgress.handle` passed as `onProgress`). */
export type ProgressEvent =
  /** Training starts (or resumes) at `step` of `totalSteps`. */
  | { readonly kind: "start"; readonly step: number; readonly totalSteps: number }
  /** `step` steps are done. Cheap to send every step: the display throttles itself. */
  | { readonly kind: "step"; readonly step: number }
  /** `done` of the `total` updates of the step after warm-up (experiment.warmupBurst) are made. */
  | { readonly kind: "burst"; readonly step: number; readonly done: number; readonly total: number }
  /** An evaluation finished: means over tasks (meanSuccess null when the env reports no success). */
  | { readonly kind: "eval"; readonly step: number; readonly meanReturn: number; readonly meanSuccess: number | null }
  /** A checkpoint was written. */
  | { readonly kind: "checkpoint"; readonly step: number }
  /** Training ended (finished, or stopped by the abort signal). */
  | { readonly kind: "end"; readonly step: number; readonly stopped: boolean };
