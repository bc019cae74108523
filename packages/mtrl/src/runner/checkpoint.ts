import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MTError, type RngState } from "@mtrl/core";
import { decodeSafetensors, encodeSafetensors, type NamedArray } from "@mtrl/nn";
import type { AgentState } from "../agents/agent.js";
import { ReplayBuffer } from "../replay/replay-buffer.js";
import { loadReplayBuffer, pruneReplayPool, saveReplayBuffer, type ReplayManifest } from "../replay/replay-storage.js";
import { digestBytes, digestFile, fileDamage, isFileDigest, type DigestCheck, type FileDigest } from "./file-digest.js";
import type { TaskEnvsState } from "./task-envs.js";
import type { AccumulatorState } from "./metric-accumulator.js";

/** A checkpoint folder that is missing, incomplete, damaged or from another format. */
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
  /** Version 2 added `files`; version 1 checkpoints still load, checked only by parsing them. */
  readonly version: 1 | 2;
  readonly trainer: TrainerState;
  readonly agent: Record<string, unknown>;
  readonly replay: ReplayManifest;
  /**
   * Every file the checkpoint depends on, by path relative to its folder (`agent.safetensors`,
   * `../replay/<chunk>.bin`), with the size and SHA-256 it was written with.
   */
  readonly files?: Readonly<Record<string, FileDigest>>;
}

export interface CheckpointStoreOptions {
  /**
   * Told, once per load, when the newest checkpoint is damaged and an older one is used instead
   * (and when a save removes a checkpoint found damaged). Default: `warning: <message>` on stderr.
   */
  readonly onWarning?: (message: string) => void;
}

export interface LoadedCheckpoint {
  /** The checkpoint folder that was loaded. */
  readonly dir: string;
  readonly trainer: TrainerState;
  readonly agent: AgentState;
  readonly replay: ReplayBuffer;
}

export interface LoadedAgentCheckpoint {
  /** The checkpoint folder that was loaded. */
  readonly dir: string;
  readonly trainer: TrainerState;
  readonly agent: AgentState;
  readonly replayManifest: ReplayManifest;
}

const LATEST = "latest.json";
const STATE = "state.json";
const AGENT = "agent.safetensors";
const REPLAY_POOL = "replay";
/** Checkpoints kept: the latest, and the one before in case the latest is being written or is damaged. */
const KEEP = 2;

/** One checkpoint folder that could not be used, and every reason, each naming its file. */
interface DamagedCheckpoint {
  readonly name: string;
  readonly problems: readonly string[];
}

/**
 * `checkpoints/` of a run folder:
 *
 *   step-00005000/agent.safetensors   weights and optimizer moments
 *   step-00005000/state.json          counters, RNG states, env positions, replay manifest, and
 *                                     the size and SHA-256 of every file the checkpoint uses
 *   replay/*.bin                      replay chunks, shared between checkpoints (immutable files)
 *   latest.json                       {"step": 5000, "dir": "step-00005000"}
 *
 * A checkpoint is written into a temporary folder, fsynced, renamed into place, and only then
 * does latest.json (itself replaced atomically) point at it. A SIGKILL at any moment leaves the
 * previous checkpoint intact and current.
 *
 * Loading checks each file against its recorded size and SHA-256. A checkpoint damaged after it
 * was written (a disk that filled up, a flipped bit) is skipped with one warning naming the file,
 * and the newest intact one is used; the replay chunks of every kept checkpoint stay in the pool
 * so that such a fallback finds its replay.
 */
export class CheckpointStore {
  private readonly onWarning: (message: string) => void;
  /** The checkpoint this store last saved or loaded for resumption: the base of the next save. */
  private current: CheckpointFile | undefined;
  /** Folders the last `loadLatest` found damaged; the next save removes them. */
  private readonly damaged = new Set<string>();

  constructor(
    readonly dir: string,
    options: CheckpointStoreOptions = {},
  ) {
    this.onWarning = options.onWarning ?? ((message) => process.stderr.write(`warning: ${message}\n`));
  }

  save(step: number, trainer: TrainerState, agent: AgentState, replay: ReplayBuffer): void {
    mkdirSync(this.dir, { recursive: true });
    const name = folderName(step);
    const finalDir = join(this.dir, name);
    const temporaryDir = `${finalDir}.tmp`;
    rmSync(temporaryDir, { recursive: true, force: true });
    mkdirSync(temporaryDir);
    const poolDir = join(this.dir, REPLAY_POOL);
    // Only chunks of a checkpoint this store saved or loaded (and so checked) are reused.
    const previous = this.current;
    const manifest = saveReplayBuffer(replay, poolDir, previous?.replay);
    fsyncPath(poolDir);
    const agentBytes = encodeSafetensors(agent.tensors, { step: String(step) });
    writeFileSync(join(temporaryDir, AGENT), agentBytes);
    const files = { [AGENT]: digestBytes(agentBytes), ...replayDigests(poolDir, manifest, previous) };
    const file: CheckpointFile = { format: "mtrl-checkpoint", version: 2, trainer, agent: agent.json, replay: manifest, files };
    writeFileSync(join(temporaryDir, STATE), `${JSON.stringify(file)}\n`);
    fsyncPath(join(temporaryDir, AGENT));
    fsyncPath(join(temporaryDir, STATE));
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(temporaryDir, finalDir);
    fsyncPath(this.dir);
    writeFileAtomic(join(this.dir, LATEST), `${JSON.stringify({ step, dir: name })}\n`);
    this.current = file;
    this.prune(step, file);
  }

  /**
   * The newest intact checkpoint with its replay buffer, or undefined when there is none at all.
   * Every file is checked against its size and SHA-256; damaged checkpoints are skipped with one
   * warning, and a CheckpointError lists them all when none is intact.
   */
  loadLatest(): LoadedCheckpoint | undefined {
    const found = this.loadNewestIntact("all", (dir, step) => `Resuming from ${dir} (step ${step}), the newest intact checkpoint.`);
    if (found === undefined) return undefined;
    this.current = found.file;
    this.damaged.clear();
    for (const damaged of found.skipped) this.damaged.add(damaged.name);
    return { dir: found.dir, trainer: found.file.trainer, agent: found.agent, replay: found.replay! };
  }

  /**
   * The newest checkpoint whose agent is intact, without its replay buffer (evaluation needs only
   * the agent, so neither reads the replay chunks nor requires them).
   */
  loadLatestAgent(): LoadedAgentCheckpoint | undefined {
    const found = this.loadNewestIntact("agent", (dir, step) => `Using ${dir} (step ${step}), the newest checkpoint with an intact agent, instead.`);
    if (found === undefined) return undefined;
    return { dir: found.dir, trainer: found.file.trainer, agent: found.agent, replayManifest: found.file.replay };
  }

  /** Steps of the checkpoints on disk, oldest first. */
  list(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => /^step-\d{8}$/.test(name))
      .map((name) => Number(name.slice(5)))
      .sort((a, b) => a - b);
  }

  /**
   * Tries the checkpoint latest.json points at, then the other step folders newest first, and
   * returns the first that loads with every file matching its digest.
   */
  private loadNewestIntact(
    scope: "agent" | "all",
    fallbackNote: (dir: string, step: number) => string,
  ): { dir: string; file: CheckpointFile; agent: AgentState; replay: ReplayBuffer | undefined; skipped: DamagedCheckpoint[] } | undefined {
    const { names, pointerProblem } = this.candidates();
    if (names.length === 0 && pointerProblem === undefined) return undefined;
    const skipped: DamagedCheckpoint[] = [];
    for (const name of names) {
      const dir = join(this.dir, name);
      const result = this.readCheckpoint(name, scope);
      if ("problems" in result) {
        skipped.push({ name, problems: result.problems });
        continue;
      }
      if (skipped.length > 0 || pointerProblem !== undefined) {
        const notes = [...(pointerProblem === undefined ? [] : [pointerProblem]), ...skipped.map(describeDamage)];
        this.onWarning(`${notes.join("; ")}. ${fallbackNote(dir, result.file.trainer.step)}`);
      }
      return { dir, file: result.file, agent: result.agent, replay: result.replay, skipped };
    }
    const lines = [...(pointerProblem === undefined ? [] : [pointerProblem]), ...skipped.map(describeDamage)].map((line) => `  - ${line}`);
    throw new CheckpointError(
      `No intact checkpoint in ${this.dir}:\n${lines.join("\n")}\n` +
        `Restore the files named above from a backup if you have one; otherwise this run cannot continue: start it again without --resume, under a new run name.`,
    );
  }

  /** Step folders to try, in order: the one latest.json names, then the others newest first. */
  private candidates(): { names: string[]; pointerProblem: string | undefined } {
    const onDisk = this.list().reverse().map(folderName);
    let pointed: string | undefined;
    let pointerProblem: string | undefined;
    try {
      pointed = this.readLatestPointer()?.dir;
    } catch (error) {
      pointerProblem = (error as Error).message;
    }
    if (pointed !== undefined && !onDisk.includes(pointed)) {
      pointerProblem = `${join(this.dir, LATEST)} points to ${pointed}, which does not exist`;
      pointed = undefined;
    }
    return { names: pointed === undefined ? onDisk : [pointed, ...onDisk.filter((name) => name !== pointed)], pointerProblem };
  }

  /** Loads one checkpoint folder, or lists every problem found in it, each naming its file. */
  private readCheckpoint(name: string, scope: "agent" | "all"): { file: CheckpointFile; agent: AgentState; replay: ReplayBuffer | undefined } | { problems: string[] } {
    const dir = join(this.dir, name);
    let file: CheckpointFile;
    try {
      file = this.readCheckpointFile(dir);
    } catch (error) {
      return { problems: [(error as Error).message] };
    }
    if (file.trainer.step !== Number(name.slice(5))) {
      return { problems: [`${join(dir, STATE)} is for step ${file.trainer.step}, but its folder is ${name}; it was moved or copied over`] };
    }
    const agentPath = join(dir, AGENT);
    const agentBytes = existsSync(agentPath) ? readFileSync(agentPath) : undefined;
    const problems = this.digestProblems(dir, file, scope === "agent" ? [AGENT] : undefined, "size-and-hash", agentBytes);
    if (agentBytes === undefined && !problems.some((problem) => problem.startsWith(agentPath))) problems.push(`${agentPath} is missing`);
    if (problems.length > 0) return { problems };
    let agent: AgentState;
    try {
      agent = { tensors: decodeAgentTensors(agentBytes!, agentPath), json: file.agent };
    } catch (error) {
      return { problems: [namingFile(agentPath, agentPath, (error as Error).message)] };
    }
    if (scope === "agent") return { file, agent, replay: undefined };
    const poolDir = join(this.dir, REPLAY_POOL);
    try {
      return { file, agent, replay: loadReplayBuffer(poolDir, file.replay) };
    } catch (error) {
      return { problems: [namingFile(join(dir, STATE), poolDir, (error as Error).message)] };
    }
  }

  /**
   * Files of `file` (all, or only `only`) that differ from their recorded digests. Version 1
   * checkpoints recorded none and pass; in version 2 a referenced file without a digest is a problem.
   */
  private digestProblems(dir: string, file: CheckpointFile, only: readonly string[] | undefined, check: DigestCheck, agentBytes?: Uint8Array): string[] {
    if (file.version === 1) return [];
    const required = only ?? [AGENT, ...new Set(Object.values(file.replay.files).map((name) => `../${REPLAY_POOL}/${name}`))];
    const problems: string[] = [];
    for (const relative of required) {
      const path = join(dir, relative);
      const expected = file.files?.[relative];
      if (!isFileDigest(expected)) {
        problems.push(`${join(dir, STATE)} records no size and SHA-256 for ${path}; the state file is damaged`);
        continue;
      }
      const found = relative === AGENT && agentBytes !== undefined ? digestBytes(agentBytes) : undefined;
      const damage = fileDamage(path, expected, check, found);
      if (damage !== undefined) problems.push(damage);
    }
    return problems;
  }

  /**
   * Keeps the checkpoint just saved and the newest intact one before it, with the replay chunks
   * either references. Removed: older ones, the ones the last load found damaged, ones whose files
   * no longer have their recorded sizes, and ones newer than `savedStep` (left from before a
   * resume that fell back past them).
   */
  private prune(savedStep: number, saved: CheckpointFile): void {
    const kept: ReplayManifest[] = [saved.replay];
    for (const step of this.list().reverse()) {
      if (step === savedStep) continue;
      const name = folderName(step);
      const dir = join(this.dir, name);
      if (step < savedStep && kept.length < KEEP && !this.damaged.has(name)) {
        const checked = this.quickCheck(dir);
        if ("file" in checked) {
          kept.push(checked.file.replay);
          continue;
        }
        this.onWarning(`removed the damaged checkpoint ${dir}: ${checked.problems.join("; ")}.`);
      }
      rmSync(dir, { recursive: true, force: true });
    }
    this.damaged.clear();
    pruneReplayPool(join(this.dir, REPLAY_POOL), kept);
  }

  /** state.json parses and every file it uses has its recorded size (no hashing: this runs at every save). */
  private quickCheck(dir: string): { file: CheckpointFile } | { problems: string[] } {
    try {
      const file = this.readCheckpointFile(dir);
      const problems = this.digestProblems(dir, file, undefined, "size");
      return problems.length === 0 ? { file } : { problems };
    } catch (error) {
      return { problems: [(error as Error).message] };
    }
  }

  private readLatestPointer(): { step: number; dir: string } | undefined {
    const path = join(this.dir, LATEST);
    if (!existsSync(path)) return undefined;
    const pointer = parseJson(path) as { step?: unknown; dir?: unknown };
    if (typeof pointer !== "object" || pointer === null || typeof pointer.step !== "number" || typeof pointer.dir !== "string" || !/^step-\d{8}$/.test(pointer.dir)) {
      throw new CheckpointError(`${path} should be {"step": <number>, "dir": "step-<8 digits>"}, got ${JSON.stringify(pointer)}`);
    }
    return { step: pointer.step, dir: pointer.dir };
  }

  private readCheckpointFile(dir: string): CheckpointFile {
    const path = join(dir, STATE);
    if (!existsSync(path)) throw new CheckpointError(`${path} is missing; the checkpoint is incomplete`);
    const file = parseJson(path) as Partial<CheckpointFile> | null;
    if (typeof file !== "object" || file === null || file.format !== "mtrl-checkpoint" || (file.version !== 1 && file.version !== 2)) {
      throw new CheckpointError(`${path}: expected format "mtrl-checkpoint" version 1 or 2, got ${JSON.stringify(file?.format)} version ${JSON.stringify(file?.version)}`);
    }
    const replay = file.replay as Partial<ReplayManifest> | undefined;
    if (typeof file.trainer !== "object" || file.trainer === null || typeof file.agent !== "object" || typeof replay?.files !== "object" || replay.files === null) {
      throw new CheckpointError(`${path}: expected "trainer", "agent" and "replay" objects; some are missing, so the file is damaged`);
    }
    return file as CheckpointFile;
  }
}

function folderName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/**
 * Digests of the replay chunks `manifest` uses. A chunk file the previous checkpoint used under the
 * same name and layout is unchanged (chunks are immutable), so its recorded digest is reused;
 * the others were just written and are hashed from disk.
 */
function replayDigests(poolDir: string, manifest: ReplayManifest, previous: CheckpointFile | undefined): Record<string, FileDigest> {
  const sameLayout =
    previous !== undefined &&
    (["numTasks", "capacityPerTask", "observationSize", "actionSize", "chunkSize"] as const).every((key) => previous.replay[key] === manifest[key]);
  const digests: Record<string, FileDigest> = {};
  for (const [key, name] of Object.entries(manifest.files)) {
    const relative = `../${REPLAY_POOL}/${name}`;
    const recorded = sameLayout && previous.replay.files[key] === name ? previous.files?.[relative] : undefined;
    digests[relative] = recorded ?? digestFile(join(poolDir, name));
  }
  return digests;
}

function decodeAgentTensors(bytes: Uint8Array, path: string): Map<string, NamedArray> {
  const decoded = decodeSafetensors(bytes);
  const tensors = new Map<string, NamedArray>();
  for (const [name, stored] of decoded.tensors) {
    if (stored.data === null) throw new CheckpointError(`${path}: tensor "${name}" is ${stored.dtype}, expected F32`);
    tensors.set(name, { shape: stored.shape, data: stored.data });
  }
  return tensors;
}

function describeDamage(damaged: DamagedCheckpoint): string {
  return `checkpoint ${damaged.name} is damaged: ${damaged.problems.join("; ")}`;
}

/**
 * The safetensors reader sees only bytes, and some replay messages name no file: prefix `path`
 * unless the message already names a file under `namedWhenIncludes`.
 */
function namingFile(path: string, namedWhenIncludes: string, message: string): string {
  const phrase = message.replace(/\.$/, "");
  return phrase.includes(namedWhenIncludes) ? phrase : `${path}: ${phrase}`;
}

function parseJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CheckpointError(`${path} is not valid JSON (${(error as Error).message}); the file is damaged`);
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
