export * from "./config/index.js";
export * from "./run/index.js";
export * from "./report/index.js";
export type { MultiTaskAgent, AgentState, AgentDimensions, Metrics } from "./agents/agent.js";
export { MTSACAgent } from "./agents/mtsac-agent.js";
export * from "./replay/index.js";
export { train, type TrainOptions, type TrainResult } from "./runner/train.js";
export { evaluateRun, type EvaluateRunOptions, type EvaluateRunResult } from "./runner/evaluate.js";
export { CheckpointStore, CheckpointError, type TrainerState } from "./runner/checkpoint.js";
