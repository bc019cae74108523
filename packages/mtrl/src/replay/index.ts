export { ReplayBuffer, type ReplayBufferOptions, type ReplayBatch, type ReplaySampling } from "./replay-buffer.js";
export { saveReplayBuffer, loadReplayBuffer, pruneReplayPool, ReplayStorageError, type ReplayManifest } from "./replay-storage.js";
export { FlatObservations, type ObservationLayout, type ObservationStore, type SlotField } from "./observation-store.js";
export { FrameStackObservations, FrameStackLayoutError } from "./frame-stack-observations.js";
