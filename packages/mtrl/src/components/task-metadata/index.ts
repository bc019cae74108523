export { textFeatureVectors, DEFAULT_TEXT_FEATURE_DIMENSION, type TextFeatureOptions } from "./text-features.js";
export { loadTaskMetadataFile, type TaskMetadata } from "./metadata-file.js";
