export {
  MetricsWriter,
  MetricsFormatError,
  parseMetrics,
  readMetrics,
  isTrainRow,
  isEvalRow,
  type TrainRow,
  type EvalRow,
  type MetricsRow,
} from "./metrics.js";
export { summarizeEval, formatEvalTable, RETURN_PREFIX, SUCCESS_PREFIX, type EvalSummary, type TaskEvalResult } from "./eval-summary.js";
export { RunFolderError, runPaths, defaultRunName, createRunDir, listRuns, resolveRunDir, type RunPaths, type RunListing } from "./run-dir.js";
