/**
 * Messages between the viewer page and its simulation worker (web/simulation-worker.ts). The
 * worker owns MuJoCo, the nn kernels and the PolicySession; the page only draws what it is sent.
 */

/** Where a run folder comes from: a URL (same origin) or the files of a folder picked in the page. */
export type RunSource =
  | { readonly kind: "url"; readonly url: string; readonly label: string }
  | { readonly kind: "files"; readonly label: string; readonly files: ReadonlyArray<{ readonly path: string; readonly file: Blob }> };

export type ViewerRequest =
  | { readonly type: "load"; readonly id: number; readonly source: RunSource }
  | { readonly type: "reset"; readonly id: number; readonly task: number; readonly seed: number }
  | { readonly type: "step"; readonly id: number; readonly count: number }
  | { readonly type: "rollout"; readonly id: number; readonly task: number; readonly seed: number; readonly steps: number };

/** The static part of the 3-D scene: one entry per MuJoCo geom (sizes and colours as in the model). */
export interface SceneGeometry {
  readonly geomCount: number;
  readonly geomType: Int32Array;
  readonly geomSize: Float64Array;
  readonly geomRgba: Float32Array;
  readonly geomGroup: Int32Array;
}

/** Where every geom is: positions (3 per geom) and row-major rotation matrices (9 per geom). */
export interface ScenePoses {
  readonly geomXpos: Float64Array;
  readonly geomXmat: Float64Array;
}

export interface StepReport {
  readonly task: number;
  readonly episodeStep: number;
  readonly reward: number;
  readonly episodeReturn: number;
  readonly success: boolean;
  /** Success at any step of this episode so far. */
  readonly succeededInEpisode: boolean;
  readonly done: boolean;
  readonly action: Float32Array;
  readonly observation: Float32Array;
  readonly poses: ScenePoses | null;
  /** Policy + env steps per second over the steps of this request. */
  readonly stepsPerSecond: number;
}

export interface LoadedRun {
  readonly label: string;
  readonly envId: string;
  readonly step: number;
  readonly taskNames: readonly string[];
  readonly observationSize: number;
  readonly actionSize: number;
  readonly metricsText: string;
  /** Milliseconds to load MuJoCo and the kernels (first load only) and to build the session. */
  readonly loadMilliseconds: number;
}

export type ViewerResponse =
  | { readonly type: "loaded"; readonly id: number; readonly run: LoadedRun }
  | { readonly type: "reset"; readonly id: number; readonly geometry: SceneGeometry | null; readonly report: StepReport }
  | { readonly type: "step"; readonly id: number; readonly report: StepReport }
  | {
      readonly type: "rollout";
      readonly id: number;
      readonly actions: Float32Array;
      readonly observations: Float32Array;
      readonly firstSuccessStep: number;
      readonly milliseconds: number;
    }
  | { readonly type: "error"; readonly id: number; readonly message: string };
