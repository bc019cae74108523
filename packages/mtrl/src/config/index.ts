export {
  trainConfigSchema,
  envConfigSchema,
  agentConfigSchema,
  mtsacConfigSchema,
  actorConfigSchema,
  criticConfigSchema,
  alphaConfigSchema,
  targetEntropyConfigSchema,
  encoderConfigSchema,
  replayConfigSchema,
  experimentConfigSchema,
  CONFIG_GROUPS,
  type ConfigGroup,
  type DeepReadonly,
  type TrainConfig,
  type EnvConfig,
  type AgentConfig,
  type MTSACConfig,
  type ActorConfig,
  type CriticConfig,
  type AlphaConfig,
  type TargetEntropyConfig,
  type EncoderConfig,
  type ReplayConfig,
  type ExperimentConfig,
} from "./schema.js";
export { composeConfig, validateTrainConfig, deepFreeze, type ComposeOptions, type ComposedConfig } from "./compose.js";
export { parseOverrides, applyOverride, type ParsedOverrides, type ValueOverride } from "./overrides.js";
export { DEFAULT_CONFIG_DIR, resolveConfigDirs, listGroupOptions, listAllGroupOptions, readDefaults, readYamlFile, type ConfigDirs, type ConfigSearchOptions } from "./config-dir.js";
export { stringifyTrainConfig, writeTrainConfig, readTrainConfig, type ConfigOrigin } from "./config-file.js";
export { checkEnvironment } from "./check-environment.js";
export { listChoices, knownKeysAt, schemaAt, type ConfigChoice } from "./schema-walk.js";
export { formatIssues, formatPath, type Provenance } from "./validation-errors.js";
