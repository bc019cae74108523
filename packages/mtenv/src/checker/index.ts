export { checkEnv, formatCheckReport, CHECK_NAMES, type CheckEnvOptions, type CheckReport, type CheckResult } from "./check-env.js";
export { deepEqual, allFinite } from "./deep-equal.js";
