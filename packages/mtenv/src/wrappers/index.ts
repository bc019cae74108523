export { MultiTaskWrapper } from "./multi-task-wrapper.js";
export { TimeLimit } from "./time-limit.js";
