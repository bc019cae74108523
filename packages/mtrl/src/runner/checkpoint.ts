import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MTError, type RngState } from "@mtrl/mtenv";
import { decodeSafetensors, encodeSafetensors, type NamedArray } from "@mtrl/nn";
import type { AgentState } from "../agents/agent.js";
import { ReplayBuffer } from "../replay/replay-buffer.js";
import { loadReplayBuffer, pruneReplayPool, saveReplayBuffer, type ReplayManifest } from "../replay/replay-storage.js";
import type { TaskEnvsState } from "./task-envs.js";
import type { AccumulatorState } from "./metric-accumulator.js";

/** A checkpoint folder that is missing, incomplete or from another format. */
export class CheckpointError extends MTError {}

/** The trainer's own part of a checkpoint (the agent's tensors and the replay live beside it). */
export interface TrainerState {
  /** Steps completed. */
  readonly step: number;
  /** Gradient updates made (drives the actor/target cadences). */
  readonly updateIndex: number;
  readonly rngs: Record<string, RngState>;
  readonly taskEnvs: TaskEnvsState;
  readonly taskStates: unknown[];
  readonly accumulator: AccumulatorState;
  /** Length of metrics.jsonl at this checkpoint: rows after it are cut on resume. */
  readonly metricsBytes: number;
}

interface CheckpointFile {
  readonly format: "mtrl-checkpoint";
  readonly version: 1;
  readonly trainer: TrainerState;
  readonly agent: Record<string, unknown>;
  readonly replay: ReplayManifest;
}

export interface LoadedCheckpoint {
  readonly trainer: TrainerState;
  readonly agent: AgentState;
  readonly replay: ReplayBuffer;
}

const LATEST = "latest.json";
const REPLAY_POOL = "replay";
/** Checkpoints kept: the latest, and the one before in case the latest is being written. */
const KEEP = 2;

/**
 * `checkpoints/` of a run folder:
 *
 *   step-00005000/agent.safetensors   weights and optimizer moments
 *   step-00005000/state.json          counters, RNG states, env positions, replay manifest
 *   replay/*.bin                      replay chunks, shared between checkpoints (immutable files)
 *   latest.json                       {"step": 5000, "dir": "step-00005000"}
 *
 * A checkpoint is written into a temporary folder, fsynced, renamed into place, and only then
 * does latest.json (itself replaced atomically) point at it. A SIGKILL at any moment leaves the
 * previous checkpoint intact and current.
 */
export class CheckpointStore {
  private lastReplayManifest: ReplayManifest | undefined;

  constructor(readonly dir: string) {}

  save(step: number, trainer: TrainerState, agent: AgentState, replay: ReplayBuffer): void {
    mkdirSync(this.dir, { recursive: true });
    const name = `step-${String(step).padStart(8, "0")}`;
    const finalDir = join(this.dir, name);
    const temporaryDir = `${finalDir}.tmp`;
    rmSync(temporaryDir, { recursive: true, force: true });
    mkdirSync(temporaryDir);
    const manifest = saveReplayBuffer(replay, join(this.dir, REPLAY_POOL), this.lastReplayManifest ?? this.readLatestFile()?.replay);
    writeFileSync(join(temporaryDir, "agent.safetensors"), encodeSafetensors(agent.tensors, { step: String(step) }));
    const file: CheckpointFile = { format: "mtrl-checkpoint", version: 1, trainer, agent: agent.json, replay: manifest };
    writeFileSync(join(temporaryDir, "state.json"), `${JSON.stringify(file)}\n`);
    fsyncPath(join(temporaryDir, "agent.safetensors"));
    fsyncPath(join(temporaryDir, "state.json"));
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(temporaryDir, finalDir);
    fsyncPath(this.dir);
    writeFileAtomic(join(this.dir, LATEST), `${JSON.stringify({ step, dir: name })}\n`);
    this.lastReplayManifest = manifest;
    this.prune();
  }

  /** The latest complete checkpoint, or undefined when there is none. */
  loadLatest(): LoadedCheckpoint | undefined {
    const latest = this.loadLatestAgent();
    if (latest === undefined) return undefined;
    const replay = loadReplayBuffer(join(this.dir, REPLAY_POOL), latest.replayManifest);
    this.lastReplayManifest = latest.replayManifest;
    return { trainer: latest.trainer, agent: latest.agent, replay };
  }

  /** The latest checkpoint without its replay buffer (evaluation needs only the agent). */
  loadLatestAgent(): { trainer: TrainerState; agent: AgentState; replayManifest: ReplayManifest } | undefined {
    const latest = this.readLatestPointer();
    if (latest === undefined) return undefined;
    const dir = join(this.dir, latest.dir);
    const file = this.readCheckpointFile(dir);
    const decoded = decodeSafetensors(readFileSync(join(dir, "agent.safetensors")));
    const tensors = new Map<string, NamedArray>();
    for (const [name, stored] of decoded.tensors) {
      if (stored.data === null) throw new CheckpointError(`${dir}/agent.safetensors: tensor "${name}" is ${stored.dtype}, expected F32.`);
      tensors.set(name, { shape: stored.shape, data: stored.data });
    }
    return { trainer: file.trainer, agent: { tensors, json: file.agent }, replayManifest: file.replay };
  }

  /** Steps of the checkpoints on disk, oldest first. */
  list(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => /^step-\d{8}$/.test(name))
      .map((name) => Number(name.slice(5)))
      .sort((a, b) => a - b);
  }

  private prune(): void {
    const steps = this.list();
    const kept = steps.slice(-KEEP);
    for (const step of steps.slice(0, -KEEP)) rmSync(join(this.dir, `step-${String(step).padStart(8, "0")}`), { recursive: true, force: true });
    const manifests = kept.map((step) => this.readCheckpointFile(join(this.dir, `step-${String(step).padStart(8, "0")}`)).replay);
    pruneReplayPool(join(this.dir, REPLAY_POOL), manifests);
  }

  private readLatestPointer(): { step: number; dir: string } | undefined {
    const path = join(this.dir, LATEST);
    if (!existsSync(path)) return undefined;
    const pointer = parseJson(path) as { step?: unknown; dir?: unknown };
    if (typeof pointer.step !== "number" || typeof pointer.dir !== "string" || !/^step-\d{8}$/.test(pointer.dir)) {
      throw new CheckpointError(`${path} should be {"step": <number>, "dir": "step-<8 digits>"}, got ${JSON.stringify(pointer)}. Delete it to use the newest step-* folder.`);
    }
    return { step: pointer.step, dir: pointer.dir };
  }

  private readLatestFile(): CheckpointFile | undefined {
    const latest = this.readLatestPointer();
    return latest === undefined ? undefined : this.readCheckpointFile(join(this.dir, latest.dir));
  }

  private readCheckpointFile(dir: string): CheckpointFile {
    const path = join(dir, "state.json");
    if (!existsSync(path)) throw new CheckpointError(`Checkpoint ${dir} has no state.json; it is incomplete. Remove it and resume from an older one.`);
    const file = parseJson(path) as Partial<CheckpointFile>;
    if (file.format !== "mtrl-checkpoint" || file.version !== 1) {
      throw new CheckpointError(`${path}: expected format "mtrl-checkpoint" version 1, got ${JSON.stringify(file.format)} version ${JSON.stringify(file.version)}.`);
    }
    return file as CheckpointFile;
  }
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CheckpointError(`${path} is not valid JSON (${(error as Error).message}); the file is corrupt.`);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, text);
  fsyncPath(temporary);
  renameSync(temporary, path);
}
