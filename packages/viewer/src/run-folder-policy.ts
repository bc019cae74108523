import { MTError } from "@mtrl/core";
import { decodeSafetensors, type NamedArray } from "@mtrl/nn";
import { parse as parseYaml } from "yaml";
import { validateTrainConfig } from "../../mtrl/src/config/compose.js";
import type { TrainConfig } from "../../mtrl/src/config/schema.js";

/**
 * A run folder as the viewer sees it: files by their path inside the folder ("config.yaml",
 * "checkpoints/latest.json", ...). The page reads them from a folder picked with the file picker or
 * fetches them from a URL; Node reads them from disk. `undefined` means the file is not there.
 */
export interface RunFolderFiles {
  /** How the folder is named in messages (its path, URL or the picked folder's name). */
  readonly label: string;
  read(path: string): Promise<Uint8Array | undefined>;
}

/** A run folder that cannot be shown: the message names the folder, the file and what to pick instead. */
export class RunFolderError extends MTError {}

/** What the viewer needs of a run: its resolved config, the policy's weights and the curves. */
export interface RunPolicy {
  readonly label: string;
  readonly config: TrainConfig;
  /** The training step of the checkpoint the weights come from. */
  readonly step: number;
  /** Every tensor of the checkpoint's agent.safetensors (a full checkpoint or the actor's part only). */
  readonly tensors: ReadonlyMap<string, NamedArray>;
  /** metrics.jsonl as text ("" when the folder has none): the report curves. */
  readonly metricsText: string;
}

const WHAT_A_RUN_FOLDER_HOLDS = "a run folder (runs/<name>/) holds config.yaml and checkpoints/latest.json, written by `npx mtrl train`";

/**
 * Reads a run folder's config.yaml (validated like `mtrl eval` does) and the agent weights of
 * its latest checkpoint (checkpoints/latest.json names the folder, e.g. step-00040000/).
 */
export async function readRunPolicy(files: RunFolderFiles): Promise<RunPolicy> {
  const configBytes = await files.read("config.yaml");
  if (configBytes === undefined) {
    throw new RunFolderError(`${files.label} has no config.yaml, so it is not a run folder: ${WHAT_A_RUN_FOLDER_HOLDS}. Pick that folder itself, not a folder inside or above it.`);
  }
  const config = parseConfig(new TextDecoder().decode(configBytes), `${files.label}/config.yaml`);
  const latestBytes = await files.read("checkpoints/latest.json");
  if (latestBytes === undefined) {
    throw new RunFolderError(`${files.label} has config.yaml but no checkpoints/latest.json: the run has not written a checkpoint yet (every experiment.checkpointEvery steps). Train it longer, or pick another run.`);
  }
  const latest = parseLatest(new TextDecoder().decode(latestBytes), `${files.label}/checkpoints/latest.json`);
  const weightsPath = `checkpoints/${latest.dir}/agent.safetensors`;
  const weightsBytes = await files.read(weightsPath);
  if (weightsBytes === undefined) {
    throw new RunFolderError(`${files.label}/checkpoints/latest.json points at ${latest.dir}/, but ${weightsPath} is missing. Copy the whole run folder (with its checkpoints/ folder).`);
  }
  let decoded;
  try {
    decoded = decodeSafetensors(weightsBytes);
  } catch (error) {
    throw new RunFolderError(`${files.label}/${weightsPath} is not a readable safetensors file (${(error as Error).message}).`);
  }
  const tensors = new Map<string, NamedArray>();
  for (const [name, stored] of decoded.tensors) {
    if (stored.data === null) {
      throw new RunFolderError(`${files.label}/${weightsPath}: tensor "${name}" is ${stored.dtype}, expected F32 (what mtrl writes). Pick a run folder written by \`npx mtrl train\`.`);
    }
    tensors.set(name, { shape: stored.shape, data: stored.data });
  }
  const metricsBytes = await files.read("metrics.jsonl");
  return { label: files.label, config, step: latest.step, tensors, metricsText: metricsBytes === undefined ? "" : new TextDecoder().decode(metricsBytes) };
}

function parseConfig(text: string, source: string): TrainConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new RunFolderError(`${source} is not valid YAML (${(error as Error).message}). It should be the config.yaml that \`npx mtrl train\` wrote.`);
  }
  try {
    return validateTrainConfig(document, { source });
  } catch (error) {
    throw new RunFolderError((error as Error).message);
  }
}

function parseLatest(text: string, source: string): { step: number; dir: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RunFolderError(`${source} is not JSON; expected {"step": <number>, "dir": "step-…"} as \`npx mtrl train\` writes it.`);
  }
  const record = value as { step?: unknown; dir?: unknown };
  if (typeof record !== "object" || record === null || typeof record.step !== "number" || typeof record.dir !== "string" || !/^[A-Za-z0-9._-]+$/.test(record.dir)) {
    throw new RunFolderError(`${source} should be {"step": <number>, "dir": "step-…"}, got ${text.trim().slice(0, 120)}.`);
  }
  return { step: record.step, dir: record.dir };
}
