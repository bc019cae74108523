export { ReplayBuffer, type ReplayBufferOptions, type ReplayBatch, type ReplaySampling } from "./replay-buffer.js";
export { saveReplayBuffer, loadReplayBuffer, pruneReplayPool, ReplayStorageError, type ReplayManifest } from "./replay-storage.js";
