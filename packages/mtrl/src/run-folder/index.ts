export {
  MetricsWriter,
  MetricsFormatError,
  parseMetrics,
  readMetrics,
  isTrainRow,
  isEvalRow,
  derivedMetricsPaths,
  type MetricsWriterOptions,
  type TrainRow,
  type EvalRow,
  type MetricsRow,
} from "./metrics.js";
export { metricsCsvText, metricColumns } from "./metrics-csv.js";
export { tensorBoardEventFile, TENSORBOARD_DIR, TENSORBOARD_EVENT_FILE, EVENT_FILE_VERSION } from "./tensorboard-events.js";
export { summarizeEval, formatEvalTable, RETURN_PREFIX, SUCCESS_PREFIX, type EvalSummary, type TaskEvalResult } from "./eval-summary.js";
export { RunFolderError, runPaths, defaultRunName, createRunDir, listRuns, resolveRunDir, type RunPaths, type RunListing } from "./run-dir.js";
