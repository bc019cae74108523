export { checkEnv, formatCheckReport, CHECK_NAMES, type CheckEnvOptions, type CheckReport, type CheckResult } from "./check-env.js";
export type { FormatCheckReportOptions } from "./format-report.js";
export { deepEqual, allFinite } from "./deep-equal.js";
export { findNonJsonValue } from "./json-data.js";
